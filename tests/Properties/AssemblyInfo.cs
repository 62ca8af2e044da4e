// libtorch's random generator is process-wide: property 14 seeds it (through the interpreter) and its dropout draws from
// it, so a test class running beside it would change its numbers. The suite is small; running it serially costs little.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
