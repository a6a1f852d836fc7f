using System.Collections;
using System.ComponentModel;
using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace OrleansSse.Configuration;

/// <summary>
/// Binds a configuration section to options without throwing: a key that no property reads and a
/// value that does not convert become validation failures of those options
/// (<see cref="SectionValidator{T}"/>), so that a start with <c>ValidateOnStart</c> reports them
/// together with every other value that cannot work, each naming its key. (The binder would throw
/// from the options' configuration step instead, on the first such key, before any check ran.)
/// Compiled into each assembly that binds the broker's sections (src/Shared).
/// </summary>
internal static class CheckedBinding
{
    /// <summary>
    /// Binds <paramref name="section"/> and checks it (<see cref="SectionValidator{T}"/>);
    /// <paramref name="otherKeys"/> are keys under the section that are bound elsewhere.
    /// </summary>
    public static OptionsBuilder<T> BindChecked<T>(this OptionsBuilder<T> builder, IConfigurationSection section, params string[] otherKeys)
        where T : class
    {
        builder.Services.AddSingleton<IValidateOptions<T>>(new SectionValidator<T>(builder.Name, section, otherKeys));
        return builder.Configure(options => BindLeniently(section, options));
    }

    /// <summary>
    /// Reads <paramref name="section"/> as a <typeparamref name="T"/> while services are registered,
    /// leaving what does not convert at its default (the start-up check names it).
    /// </summary>
    public static T GetLeniently<T>(IConfiguration section)
        where T : new()
    {
        var options = new T();
        BindLeniently(section, options);
        return options;
    }

    /// <summary>The value at <paramref name="key"/>, or <paramref name="fallback"/> when absent or when it does not convert.</summary>
    public static T ValueOrDefault<T>(IConfiguration configuration, string key, T fallback)
    {
        try
        {
            return configuration.GetValue(key, fallback)!;
        }
        catch (InvalidOperationException)
        {
            return fallback; // the start-up check names the key
        }
    }

    /// <summary>The settable public properties: the keys a section of this type may hold.</summary>
    public static PropertyInfo[] SettingsOf(Type type) =>
        [.. type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true })];

    /// <summary>
    /// Whether the binder fills a property of this type key by key (a nested section), not from one
    /// value (a string, or a class such as <see cref="Uri"/> that converts from one) or a list.
    /// </summary>
    public static bool IsNestedObject(Type type) =>
        type.IsClass && type != typeof(string) && !typeof(IEnumerable).IsAssignableFrom(type) &&
        !TypeDescriptor.GetConverter(type).CanConvertFrom(typeof(string));

    private static void BindLeniently(IConfiguration section, object options)
    {
        try
        {
            section.Bind(options);
        }
        catch (InvalidOperationException)
        {
            // The binder stops at the first value that does not convert: bind the others one by one,
            // so that their own checks see them too.
            foreach (var property in SettingsOf(options.GetType()))
            {
                var child = section.GetSection(property.Name);
                if (!child.Exists())
                {
                    continue;
                }

                if (IsNestedObject(property.PropertyType) && property.GetValue(options) is { } nested)
                {
                    BindLeniently(child, nested);
                    continue;
                }

                try
                {
                    property.SetValue(options, child.Get(property.PropertyType));
                }
                catch (InvalidOperationException)
                {
                    // Left at its default; SectionValidator names the key.
                }
            }
        }
    }
}
