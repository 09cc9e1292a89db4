using System.Globalization;
using BenchmarkDotNet.Running;
using Samsa.Storage.Benchmarks;

// append-read <dir> <GiB>                       one run of 1 MiB appends + page-cache read
// small-recovery <dir> <smallGiB> <recoveryGiB> [runs]   16 KiB appends and crash recovery
// compaction <dir> <GiB> <duplicateFraction> [runs]   one cleaning of a compacted log, per codec
// anything else                                 BenchmarkDotNet (e.g. --filter '*')
// bench/storage.sh runs them all beside fio.
const long GiB = 1024L * 1024 * 1024;
static long Bytes(string gib) => (long)(double.Parse(gib, CultureInfo.InvariantCulture) * GiB);

switch (args)
{
    case ["append-read", var dir, var size]:
        Throughput.RunAppendAndRead(dir, Bytes(size));
        return;
    case ["small-recovery", var dir, var small, var recovery, ..]:
        var runs = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;
        Throughput.RunSmallAndRecovery(dir, Bytes(small), Bytes(recovery), runs);
        return;
    case ["compaction", var dir, var size, var duplicates, ..]:
        var cleanRuns = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 3;
        Compaction.Run(dir, Bytes(size), double.Parse(duplicates, CultureInfo.InvariantCulture), cleanRuns);
        return;
    default:
        BenchmarkSwitcher.FromAssembly(typeof(AllocationBenchmarks).Assembly).Run(args);
        return;
}
