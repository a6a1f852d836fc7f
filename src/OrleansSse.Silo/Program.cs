using OrleansSse.Silo;

await SiloApplication.Build(args).RunAsync();
