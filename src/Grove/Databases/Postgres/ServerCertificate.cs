using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Grove.Files;

namespace Grove.Databases;

/// <summary>
/// The TLS certificate of Grove's own PostgreSQL server: self-signed (ECDSA P-256) for
/// <c>localhost</c>, <c>127.0.0.1</c> and <c>::1</c>, valid for 5 years, its key in an owner-only
/// file (0600, as PostgreSQL demands). Written once beside the server's data and replaced only when
/// it is missing, unreadable or within 30 days of expiry. The certificate is public (apps may trust
/// it: <c>NODE_EXTRA_CA_CERTS</c>); the key never leaves the file.
/// </summary>
internal static class ServerCertificate
{
    public const string CertificateFileName = "grove-server.crt";
    public const string KeyFileName = "grove-server.key";
    private static readonly TimeSpan Lifetime = TimeSpan.FromDays(5 * 365);
    private static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>Makes sure <paramref name="folder"/> holds a usable certificate and key; true when it wrote them.</summary>
    public static bool Ensure(string folder, TimeProvider time)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        ArgumentNullException.ThrowIfNull(time);
        var certificatePath = Path.Combine(folder, CertificateFileName);
        var keyPath = Path.Combine(folder, KeyFileName);
        var now = time.GetUtcNow();
        if (File.Exists(keyPath) && ValidUntil(certificatePath) is { } until && until - RenewBefore > now)
        {
            return false;
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Grove PostgreSQL server (localhost)", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        names.AddIpAddress(IPAddress.IPv6Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // serverAuth
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.Add(Lifetime));

        // The key first, then the certificate: a crash between leaves no certificate, so both are made again.
        WriteOwnerOnly(keyPath, key.ExportPkcs8PrivateKeyPem());
        WriteOwnerOnly(certificatePath, certificate.ExportCertificatePem());
        return true;
    }

    private static DateTimeOffset? ValidUntil(string certificatePath)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificateFromFile(certificatePath);
            return certificate.NotAfter.ToUniversalTime();
        }
        catch (Exception ex) when (ex is IOException or CryptographicException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static void WriteOwnerOnly(string path, string text)
    {
        var temporary = $"{path}.tmp-{Environment.ProcessId}";
        using (var stream = OwnerOnly.Open(temporary, FileMode.Create, FileAccess.Write))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(text);
            writer.Write('\n');
        }

        File.Move(temporary, path, overwrite: true);
    }
}
