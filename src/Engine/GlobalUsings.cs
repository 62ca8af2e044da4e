global using LanguageExt;
global using NormLab.Torch;
global using static LanguageExt.Prelude;
