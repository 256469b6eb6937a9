namespace Grove.Dependencies;

/// <summary>A recorded tree no longer matches its record: it is not used, and the step installs instead.</summary>
internal sealed class TreeChangedException(string message) : IOException(message);
