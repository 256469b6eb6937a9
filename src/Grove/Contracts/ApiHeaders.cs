namespace Grove.Contracts;

/// <summary>Request headers the agent API understands.</summary>
internal static class ApiHeaders
{
    /// <summary>
    /// The time (Unix milliseconds) after which the sender of a POST has given up: a request read
    /// later (say, by a <c>grove up</c> that was frozen) is answered 408 and not carried out.
    /// </summary>
    public const string Expires = "Grove-Expires";
}
