global using System.Runtime.InteropServices;
global using LanguageExt;
global using TorchSharp;
global using static TorchSharp.torch;
global using static LanguageExt.Prelude;
global using Tensor = TorchSharp.torch.Tensor;
global using Module = TorchSharp.torch.nn.Module<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>;
global using Parameter = TorchSharp.Modules.Parameter;
global using Optimizer = TorchSharp.torch.optim.Optimizer;
