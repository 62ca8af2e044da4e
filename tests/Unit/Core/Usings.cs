global using LanguageExt;
global using NormLab.Core;
global using NormLab.Core.Networks;
global using Xunit;
