global using FsCheck;
global using FsCheck.Fluent;
global using NormLab.Core.Networks;
global using NormLab.Torch;
global using Xunit;
