// Tests share process-wide state: libtorch's RNG, the live-tensor counter the leak tests read, RSS. Running test
// classes in parallel made the leak tests see other classes' tensors; on 2 cores parallelism bought little anyway.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
