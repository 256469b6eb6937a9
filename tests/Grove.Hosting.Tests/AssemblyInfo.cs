[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]

// Each test class starts a real AppHost (DCP, the dashboard, the apps): on 2 cores, one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
