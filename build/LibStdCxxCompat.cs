// Debian 12 compatibility for TorchSharp's glue library (libLibTorchSharp.so), applied at build time to the build
// output's copy — never to the shared NuGet cache. One file serves two callers: MSBuild compiles it as an inline task
// (build/TorchSharp.Debian12.targets), and tests/Unit compiles it with NORMLAB_TESTS to test the ELF logic directly.
//
// Why: libLibTorchSharp.so 0.107.0 was linked by GCC 13 and names the version GLIBCXX_3.4.32 for exactly one symbol,
// std::ios_base_library_init(). GCC 13's <iostream> emits that symbol only as an undefined reference (no relocation
// uses it) so that the link pulls in a new enough libstdc++; the code never calls it. Debian 12's libstdc++ (GCC 12)
// stops at GLIBCXX_3.4.30, and the dynamic loader refuses a library whose version needs cannot all be met.
// The fix: mark each version need that the system's libstdc++ lacks as weak (VER_FLG_WEAK in .gnu.version_r; the
// loader then only checks weak needs it can find) — but only after checking that no relocation binds a symbol of that
// version, so a library that would really call a missing function is refused with a message instead of crashing later.
// Because no relocation uses the symbol, no stand-in definition (and no patchelf --add-needed) is needed: measured.
#nullable enable
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace NormLab.Build
{
    /// <summary>What the ELF check found and did.</summary>
    public sealed class CompatResult
    {
        public CompatResult(byte[]? patched, IReadOnlyList<string> missing, string message)
        {
            Patched = patched;
            Missing = missing;
            Message = message;
        }

        /// <summary>The patched bytes, or null when the library is left alone.</summary>
        public byte[]? Patched { get; }
        /// <summary>libstdc++ versions the library needs that the system's libstdc++ does not define.</summary>
        public IReadOnlyList<string> Missing { get; }
        public string Message { get; }
    }

    /// <summary>ELF64 little-endian reading of symbol versions (the System V gABI's GNU extensions).</summary>
    public static class LibStdCxxCompat
    {
        public const string LibStdCxx = "libstdc++.so.6";
        private const uint ShtRela = 4, ShtDynsym = 11, ShtVerdef = 0x6ffffffd, ShtVerneed = 0x6ffffffe, ShtVersym = 0x6fffffff;
        private const ushort VerFlgWeak = 0x2;

        private sealed class Section
        {
            public uint Type;
            public long Offset, Size;
            public int Link;
        }

        /// <summary>The version names a shared library defines (its .gnu.version_d), e.g. the system's libstdc++.</summary>
        public static ISet<string> DefinedVersions(byte[] elf)
        {
            var sections = Sections(elf);
            var names = new System.Collections.Generic.HashSet<string>(StringComparer.Ordinal);
            foreach (var s in sections.Where(s => s.Type == ShtVerdef))
            {
                var strtab = sections[s.Link];
                long at = s.Offset;
                while (true)
                {
                    int auxOffset = I32(elf, at + 12), next = I32(elf, at + 16);
                    ushort count = U16(elf, at + 6);
                    long aux = at + auxOffset;
                    for (var i = 0; i < count; i++)
                    {
                        names.Add(Str(elf, strtab.Offset + I32(elf, aux)));
                        aux += I32(elf, aux + 4);
                    }
                    if (next == 0) break;
                    at += next;
                }
            }
            return names;
        }

        /// <summary>
        /// Marks as weak every need on libstdc++.so.6 of a version <paramref name="provided"/> lacks, when no relocation
        /// binds a symbol of that version. Leaves the library alone (Patched null) when nothing is missing or every missing
        /// need is weak already; throws <see cref="InvalidDataException"/> when a missing version is really used.
        /// </summary>
        public static CompatResult Apply(byte[] elf, ISet<string> provided)
        {
            var sections = Sections(elf);
            var verneed = sections.FirstOrDefault(s => s.Type == ShtVerneed);
            if (verneed is null) return new CompatResult(null, Array.Empty<string>(), "no version needs");
            var strtab = sections[verneed.Link];
            var toWeaken = new List<(long flagsAt, string name, ushort index)>();
            var missing = new List<string>();
            long at = verneed.Offset;
            while (true)
            {
                ushort count = U16(elf, at + 2);
                string file = Str(elf, strtab.Offset + I32(elf, at + 4));
                int auxOffset = I32(elf, at + 8), next = I32(elf, at + 12);
                long aux = at + auxOffset;
                for (var i = 0; i < count; i++)
                {
                    ushort flags = U16(elf, aux + 4), index = U16(elf, aux + 6);
                    string name = Str(elf, strtab.Offset + I32(elf, aux + 8));
                    if (file == LibStdCxx && !provided.Contains(name))
                    {
                        missing.Add(name);
                        if ((flags & VerFlgWeak) == 0) toWeaken.Add((aux + 4, name, index));
                    }
                    aux += I32(elf, aux + 12);
                }
                if (next == 0) break;
                at += next;
            }
            if (missing.Count == 0)
                return new CompatResult(null, missing, "the system's libstdc++ has every version it needs");
            var used = RelocatedVersionIndices(elf, sections);
            var reallyUsed = toWeaken.Where(w => used.Contains(w.index)).Select(w => w.name).ToList();
            if (reallyUsed.Count > 0)
                throw new InvalidDataException(
                    $"needs {string.Join(", ", reallyUsed)} of {LibStdCxx} for symbols it really calls; marking them weak would crash later. " +
                    "Install a libstdc++ that provides them (GCC 13 or newer) or use a TorchSharp build linked against an older one.");
            if (toWeaken.Count == 0)
                return new CompatResult(null, missing, $"already patched: {string.Join(", ", missing)} marked weak");
            var patched = (byte[])elf.Clone();
            foreach (var w in toWeaken)
            {
                var flags = (ushort)(U16(patched, w.flagsAt) | VerFlgWeak);
                patched[w.flagsAt] = (byte)flags;
                patched[w.flagsAt + 1] = (byte)(flags >> 8);
            }
            return new CompatResult(patched, missing, $"marked weak: {string.Join(", ", toWeaken.Select(w => w.name))} (no relocation uses them)");
        }

        /// <summary>Version indices (.gnu.version) of every dynamic symbol a relocation binds.</summary>
        private static System.Collections.Generic.HashSet<ushort> RelocatedVersionIndices(byte[] elf, IReadOnlyList<Section> sections)
        {
            var result = new System.Collections.Generic.HashSet<ushort>();
            var versym = sections.FirstOrDefault(s => s.Type == ShtVersym);
            if (versym is null) return result;
            foreach (var rela in sections.Where(s => s.Type == ShtRela && s.Link < sections.Count && sections[s.Link].Type == ShtDynsym))
                for (long r = rela.Offset; r + 24 <= rela.Offset + rela.Size; r += 24)
                {
                    var symbol = (long)(BitConverter.ToUInt64(elf, (int)(r + 8)) >> 32);
                    if (symbol != 0) result.Add((ushort)(U16(elf, versym.Offset + 2 * symbol) & 0x7fff));
                }
            return result;
        }

        private static List<Section> Sections(byte[] elf)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != 'E' || elf[2] != 'L' || elf[3] != 'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1) throw new InvalidDataException("not a 64-bit little-endian ELF file");
            long shoff = BitConverter.ToInt64(elf, 0x28);
            int shentsize = U16(elf, 0x3A), shnum = U16(elf, 0x3C);
            var list = new List<Section>(shnum);
            for (var i = 0; i < shnum; i++)
            {
                long h = shoff + (long)i * shentsize;
                list.Add(new Section
                {
                    Type = (uint)I32(elf, h + 4),
                    Offset = BitConverter.ToInt64(elf, (int)(h + 24)),
                    Size = BitConverter.ToInt64(elf, (int)(h + 32)),
                    Link = I32(elf, h + 40),
                });
            }
            return list;
        }

        private static ushort U16(byte[] b, long at) => BitConverter.ToUInt16(b, (int)at);
        private static int I32(byte[] b, long at) => BitConverter.ToInt32(b, (int)at);

        private static string Str(byte[] b, long at)
        {
            var end = (int)at;
            while (b[end] != 0) end++;
            return Encoding.ASCII.GetString(b, (int)at, end - (int)at);
        }

        /// <summary>
        /// The system's libstdc++.so.6: the first that exists in the multiarch, lib64 and lib folders, in the dynamic
        /// loader's default search order on Debian. Null when none exists (not a glibc system).
        /// </summary>
        public static string? SystemLibStdCxx()
        {
            foreach (var dir in new[] { "/usr/lib/x86_64-linux-gnu", "/lib/x86_64-linux-gnu", "/usr/lib64", "/lib64", "/usr/lib/aarch64-linux-gnu", "/usr/lib" })
            {
                var path = Path.Combine(dir, LibStdCxx);
                if (File.Exists(path)) return path;
            }
            return null;
        }

        /// <summary>
        /// Patches <paramref name="library"/> in place when it needs it: writes a temporary file beside it and renames it
        /// over the original (so a hard link into the NuGet cache is replaced, never written through), keeping the
        /// original's modification time so MSBuild's incremental copy does not copy the unpatched file again.
        /// </summary>
        public static CompatResult PatchFile(string library, string systemLibStdCxx)
        {
            var result = Apply(File.ReadAllBytes(library), DefinedVersions(File.ReadAllBytes(systemLibStdCxx)));
            if (result.Patched is null) return result;
            var stamp = File.GetLastWriteTimeUtc(library);
            var temp = library + ".normlab-patch.tmp";
            File.WriteAllBytes(temp, result.Patched);
            File.SetLastWriteTimeUtc(temp, stamp);
            File.Replace(temp, library, null); // a rename: the old inode (maybe a hard link into the NuGet cache) is left as it was
            return result;
        }
    }

#if !NORMLAB_TESTS
    /// <summary>MSBuild entry point: see build/TorchSharp.Debian12.targets.</summary>
    public sealed class PatchLibTorchSharpForSystemLibStdCxx : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required] public string Library { get; set; } = "";

        public override bool Execute()
        {
            if (!File.Exists(Library)) return true;
            var system = LibStdCxxCompat.SystemLibStdCxx();
            if (system is null)
            {
                Log.LogMessage(Microsoft.Build.Framework.MessageImportance.Low, "normlab: no system libstdc++.so.6 found; leaving {0} alone", Library);
                return true;
            }
            try
            {
                var result = LibStdCxxCompat.PatchFile(Library, system);
                Log.LogMessage(result.Patched is null ? Microsoft.Build.Framework.MessageImportance.Low : Microsoft.Build.Framework.MessageImportance.High,
                    "normlab: {0}: {1} (system {2})", Library, result.Message, system);
                return true;
            }
            catch (Exception e) when (e is InvalidDataException || e is IOException || e is UnauthorizedAccessException)
            {
                Log.LogError("normlab: cannot make {0} load with {1}: {2}", Library, system, e.Message);
                return false;
            }
        }
    }
#endif
}
