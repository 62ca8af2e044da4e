// Only what every test file of this project may see: layer record names (Flatten, Dropout) would collide with the
// binding's modules of the same names, so test files import NormLab.Core.Networks themselves.
global using LanguageExt;
global using NormLab.Core;
global using Xunit;
