// Grove's engine runs on Linux (process groups, kill(2)); so does this integration.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
