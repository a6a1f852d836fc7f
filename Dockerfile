# The OrleansSse silo image. Build: docker build -t orleanssse-silo .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY . .
RUN dotnet publish src/OrleansSse.Silo/OrleansSse.Silo.csproj -c Release -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app .
COPY silo.json /app/silo.json
# DOTNET_GCgen0size: a 4 MB gen0 budget instead of one sized from the CPU's cache keeps idle
# streams near 8 KB of RSS each (bench/RESULTS.md); the runtime reads it from the environment only.
ENV ORLEANSSSE_CONFIG=/app/silo.json \
    ASPNETCORE_URLS=http://0.0.0.0:8080 \
    DOTNET_GCgen0size=0x400000
EXPOSE 8080
# The runtime image's unprivileged user (8080 needs no privilege).
USER $APP_UID
# SIGTERM drains: streams end with a retry: hint and browsers resume on another silo.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "OrleansSse.Silo.dll"]
