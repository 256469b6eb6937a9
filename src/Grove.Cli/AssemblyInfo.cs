// Grove runs apps in process groups and reads /proc: it is a Linux tool.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
