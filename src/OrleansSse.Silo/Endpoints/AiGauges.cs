using System.Globalization;
using System.Text;
using OrleansSse.Ai;

namespace OrleansSse.Silo.Endpoints;

/// <summary>AI streaming's figures for <c>/metrics</c>: answers running and prompts refused at the limit.</summary>
internal static class AiGauges
{
    public static void WritePrometheus(StringBuilder output, AiStreamingService ai)
    {
        Write(output, "orleanssse_ai_answers_running", "AI answers running on this silo (OrleansSse:Ai:MaxConcurrentAnswers bounds them).", "gauge", ai.RunningCount);
        Write(output, "orleanssse_ai_answers_refused_total", "AI prompts refused with 503 because MaxConcurrentAnswers answers were running.", "counter", ai.RefusedCount);
    }

    private static void Write(StringBuilder output, string name, string help, string type, long value) =>
        output.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
            .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n')
            .Append(name).Append(' ').Append(value.ToString(CultureInfo.InvariantCulture)).Append('\n');
}
