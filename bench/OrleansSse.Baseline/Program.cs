using OrleansSse.Baseline;

// The baseline SSE server: run with `--urls http://127.0.0.1:PORT`.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.AddSingleton<BaselineHub>();
builder.Services.AddHostedService<HeartbeatService>();
var app = builder.Build();
BaselineEndpoints.Map(app);
app.Run();
