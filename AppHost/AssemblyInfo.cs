// Grove (its engine and so the AppHost integration) runs on Linux.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
