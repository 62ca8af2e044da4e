namespace NormLab.Torch.Native;

/// <summary>Codes of nl_unary (native/nl_ops.cpp, enum Unary): keep the numbers in step with the C++ enum.</summary>
internal enum UnaryOp
{
    Neg = 0, Sqrt, Rsqrt, Exp, Log, Relu, Sigmoid, Tanh, Abs, Square, Reciprocal, IsNan, IsFinite, Sign, Log1p, Floor, Erfinv,
}

/// <summary>Codes of nl_binary / nl_binary_scalar (native/nl_ops.cpp, enum Binary).</summary>
internal enum BinaryOp
{
    Add = 0, Sub, Mul, Div, Pow, Eq, Ne, Lt, Le, Gt, Ge, Maximum, Minimum,
}
