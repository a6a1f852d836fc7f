using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace OrleansSse.Configuration;

/// <summary>
/// Fails options whose configuration section holds a key that no property reads (nested sections
/// included) or a value that does not convert to its property's type, naming every such key.
/// Registered by <see cref="CheckedBinding.BindChecked{T}"/>.
/// </summary>
internal sealed class SectionValidator<T>(string? optionsName, IConfigurationSection section, string[] otherKeys) : IValidateOptions<T>
    where T : class
{
    public ValidateOptionsResult Validate(string? name, T options)
    {
        if (optionsName is not null && name != optionsName)
        {
            return ValidateOptionsResult.Skip;
        }

        var failures = new List<string>();
        Check(section, typeof(T), otherKeys, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(IConfigurationSection section, Type type, string[] otherKeys, List<string> failures)
    {
        var properties = CheckedBinding.SettingsOf(type);
        string[] known = [.. properties.Select(p => p.Name), .. otherKeys];
        var unknown = section.GetChildren().Select(c => c.Key)
            .Where(key => !known.Contains(key, StringComparer.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (unknown.Length > 0)
        {
            failures.Add($"{string.Join(", ", unknown.Select(key => $"{section.Path}:{key}"))} is not a known setting " +
                $"(the keys under {section.Path} are {string.Join(", ", known)}).");
        }

        foreach (var property in properties)
        {
            var child = section.GetSection(property.Name);
            if (!child.Exists())
            {
                continue;
            }

            if (CheckedBinding.IsNestedObject(property.PropertyType))
            {
                Check(child, property.PropertyType, [], failures);
                continue;
            }

            try
            {
                child.Get(property.PropertyType);
            }
            catch (InvalidOperationException ex)
            {
                failures.Add(ex.Message); // "Failed to convert configuration value '…' at 'OrleansSse:…' to type '…'."
            }
        }
    }
}
