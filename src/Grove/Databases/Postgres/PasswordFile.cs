using Grove.Files;
using System.Security.Cryptography;

namespace Grove.Databases;

/// <summary>A generated password kept in an owner-only file (0600) in the state folder. Never printed or logged.</summary>
internal static class PasswordFile
{
    public static string ReadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
            var temporary = $"{path}.tmp-{Environment.ProcessId}";
            using (var stream = OwnerOnly.Open(temporary, FileMode.Create, FileAccess.Write))
            using (var writer = new StreamWriter(stream))
            {
                writer.Write(password);
            }

            try
            {
                // No overwrite: when two processes race, the first file wins and both read it.
                File.Move(temporary, path, overwrite: false);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temporary);
            }
        }

        return File.ReadAllText(path).Trim();
    }
}
