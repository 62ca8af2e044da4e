global using FsCheck;
global using FsCheck.Fluent;
global using NormLab.Core.Networks;
global using TorchSharp;
global using static TorchSharp.torch;
global using Tensor = TorchSharp.torch.Tensor;
global using Xunit;
global using Padding = NormLab.Core.Networks.Padding;
