using NormLab.Torch.Native;

namespace NormLab.Torch;

// Elementwise arithmetic (with broadcasting), comparisons and reductions — PyTorch names and defaults.
public sealed unsafe partial class Tensor
{
    private Tensor Unary(UnaryOp op)
    {
        IntPtr err;
        var r = LibTorch.nl_unary((int)op, Handle, &err);
        return Fresh(r, err);
    }

    private Tensor Binary(BinaryOp op, Tensor other)
    {
        IntPtr err;
        var r = LibTorch.nl_binary((int)op, Handle, other.Handle, &err);
        return Fresh(r, err, other);
    }

    private Tensor Binary(BinaryOp op, double scalar)
    {
        IntPtr err;
        var r = LibTorch.nl_binary_scalar((int)op, Handle, scalar, &err);
        return Fresh(r, err);
    }

    public Tensor add(Tensor other) => Binary(BinaryOp.Add, other);
    public Tensor add(Tensor other, double alpha)
    {
        IntPtr err;
        var r = LibTorch.nl_add_scaled(Handle, other.Handle, alpha, &err);
        return Fresh(r, err, other);
    }
    public Tensor add(double s) => Binary(BinaryOp.Add, s);
    public Tensor sub(Tensor other) => Binary(BinaryOp.Sub, other);
    public Tensor sub(double s) => Binary(BinaryOp.Sub, s);
    public Tensor mul(Tensor other) => Binary(BinaryOp.Mul, other);
    public Tensor mul(double s) => Binary(BinaryOp.Mul, s);
    public Tensor div(Tensor other) => Binary(BinaryOp.Div, other);
    public Tensor div(double s) => Binary(BinaryOp.Div, s);
    public Tensor pow(Tensor exponent) => Binary(BinaryOp.Pow, exponent);
    public Tensor pow(double exponent) => Binary(BinaryOp.Pow, exponent);
    public Tensor maximum(Tensor other) => Binary(BinaryOp.Maximum, other);
    public Tensor minimum(Tensor other) => Binary(BinaryOp.Minimum, other);

    public Tensor eq(Tensor other) => Binary(BinaryOp.Eq, other);
    public Tensor eq(double s) => Binary(BinaryOp.Eq, s);
    public Tensor ne(Tensor other) => Binary(BinaryOp.Ne, other);
    public Tensor lt(Tensor other) => Binary(BinaryOp.Lt, other);
    public Tensor lt(double s) => Binary(BinaryOp.Lt, s);
    public Tensor le(double s) => Binary(BinaryOp.Le, s);
    public Tensor gt(Tensor other) => Binary(BinaryOp.Gt, other);
    public Tensor gt(double s) => Binary(BinaryOp.Gt, s);
    public Tensor ge(double s) => Binary(BinaryOp.Ge, s);

    public Tensor neg() => Unary(UnaryOp.Neg);
    public Tensor sqrt() => Unary(UnaryOp.Sqrt);
    public Tensor rsqrt() => Unary(UnaryOp.Rsqrt);
    public Tensor exp() => Unary(UnaryOp.Exp);
    public Tensor log() => Unary(UnaryOp.Log);
    public Tensor log1p() => Unary(UnaryOp.Log1p);
    public Tensor relu() => Unary(UnaryOp.Relu);
    public Tensor sigmoid() => Unary(UnaryOp.Sigmoid);
    public Tensor tanh() => Unary(UnaryOp.Tanh);
    public Tensor abs() => Unary(UnaryOp.Abs);
    public Tensor square() => Unary(UnaryOp.Square);
    public Tensor reciprocal() => Unary(UnaryOp.Reciprocal);
    public Tensor sign() => Unary(UnaryOp.Sign);
    public Tensor floor() => Unary(UnaryOp.Floor);
    public Tensor erfinv() => Unary(UnaryOp.Erfinv);
    public Tensor isnan() => Unary(UnaryOp.IsNan);
    public Tensor isfinite() => Unary(UnaryOp.IsFinite);

    public Tensor clamp(double? min = null, double? max = null)
    {
        IntPtr err;
        var r = LibTorch.nl_clamp(Handle, min ?? 0, max ?? 0, min.HasValue ? 1 : 0, max.HasValue ? 1 : 0, &err);
        return Fresh(r, err);
    }

    public static Tensor operator +(Tensor a, Tensor b) => a.add(b);
    public static Tensor operator +(Tensor a, double s) => a.add(s);
    public static Tensor operator +(double s, Tensor a) => a.add(s);
    public static Tensor operator -(Tensor a, Tensor b) => a.sub(b);
    public static Tensor operator -(Tensor a, double s) => a.sub(s);
    public static Tensor operator -(double s, Tensor a)
    {
        IntPtr err;
        var r = LibTorch.nl_rsub_scalar(a.Handle, s, &err);
        return a.Fresh(r, err);
    }
    public static Tensor operator -(Tensor a) => a.neg();
    public static Tensor operator *(Tensor a, Tensor b) => a.mul(b);
    public static Tensor operator *(Tensor a, double s) => a.mul(s);
    public static Tensor operator *(double s, Tensor a) => a.mul(s);
    public static Tensor operator /(Tensor a, Tensor b) => a.div(b);
    public static Tensor operator /(Tensor a, double s) => a.div(s);

    // ---- in place (for optimizers, initialisers and running statistics; never on tensors autograd still needs) ----

    public Tensor add_(Tensor other, double alpha = 1)
    {
        IntPtr err;
        LibTorch.nl_add_scaled_(Handle, other.Handle, alpha, &err);
        Done(err, other);
        return this;
    }

    public Tensor mul_(double s)
    {
        IntPtr err;
        LibTorch.nl_mul_scalar_(Handle, s, &err);
        Done(err);
        return this;
    }

    public Tensor mul_(Tensor other)
    {
        IntPtr err;
        LibTorch.nl_binary_((int)BinaryOp.Mul, Handle, other.Handle, &err);
        Done(err, other);
        return this;
    }

    public Tensor fill_(double v)
    {
        IntPtr err;
        LibTorch.nl_fill_(Handle, v, &err);
        Done(err);
        return this;
    }

    public Tensor zero_()
    {
        IntPtr err;
        LibTorch.nl_zero_(Handle, &err);
        Done(err);
        return this;
    }

    public Tensor copy_(Tensor src)
    {
        IntPtr err;
        LibTorch.nl_copy_(Handle, src.Handle, &err);
        Done(err, src);
        return this;
    }

    public Tensor normal_(double mean = 0, double std = 1)
    {
        IntPtr err;
        LibTorch.nl_normal_(Handle, mean, std, &err);
        Done(err);
        return this;
    }

    public Tensor uniform_(double from = 0, double to = 1)
    {
        IntPtr err;
        LibTorch.nl_uniform_(Handle, from, to, &err);
        Done(err);
        return this;
    }

    // ---- reductions (no dims = over every axis) ----

    private Tensor Reduce(delegate*<IntPtr, long*, int, int, IntPtr*, IntPtr> f, long[]? dims, bool keepdim)
    {
        IntPtr err;
        IntPtr r;
        fixed (long* d = dims) r = f(Handle, d, dims?.Length ?? 0, keepdim ? 1 : 0, &err);
        return Fresh(r, err);
    }

    public Tensor sum() => Reduce(&LibTorch.nl_sum, null, false);
    public Tensor sum(long dim, bool keepdim = false) => Reduce(&LibTorch.nl_sum, [dim], keepdim);
    public Tensor sum(long[] dims, bool keepdim = false) => Reduce(&LibTorch.nl_sum, dims, keepdim);
    public Tensor mean() => Reduce(&LibTorch.nl_mean, null, false);
    public Tensor mean(long dim, bool keepdim = false) => Reduce(&LibTorch.nl_mean, [dim], keepdim);
    public Tensor mean(long[] dims, bool keepdim = false) => Reduce(&LibTorch.nl_mean, dims, keepdim);
    public Tensor amax(long[] dims, bool keepdim = false) => Reduce(&LibTorch.nl_amax, dims, keepdim);
    public Tensor amin(long[] dims, bool keepdim = false) => Reduce(&LibTorch.nl_amin, dims, keepdim);

    /// <summary>Variance; <paramref name="unbiased"/> = true divides by n−1 (PyTorch's default), false by n.</summary>
    public Tensor var(bool unbiased = true) => Var(&LibTorch.nl_var, null, unbiased, false);
    public Tensor var(long[] dims, bool unbiased = true, bool keepdim = false) => Var(&LibTorch.nl_var, dims, unbiased, keepdim);
    public Tensor std(bool unbiased = true) => Var(&LibTorch.nl_std, null, unbiased, false);
    public Tensor std(long[] dims, bool unbiased = true, bool keepdim = false) => Var(&LibTorch.nl_std, dims, unbiased, keepdim);

    private Tensor Var(delegate*<IntPtr, long*, int, int, int, IntPtr*, IntPtr> f, long[]? dims, bool unbiased, bool keepdim)
    {
        IntPtr err;
        IntPtr r;
        fixed (long* d = dims) r = f(Handle, d, dims?.Length ?? 0, unbiased ? 1 : 0, keepdim ? 1 : 0, &err);
        return Fresh(r, err);
    }

    /// <summary>Variance and mean over <paramref name="dims"/> in one pass (torch.var_mean).</summary>
    public (Tensor Var, Tensor Mean) var_mean(long[] dims, bool unbiased = true, bool keepdim = false)
    {
        IntPtr err;
        IntPtr mean = IntPtr.Zero;
        IntPtr r;
        fixed (long* d = dims) r = LibTorch.nl_var_mean(Handle, d, dims.Length, unbiased ? 1 : 0, keepdim ? 1 : 0, &mean, &err);
        var v = Fresh(r, err);
        return (v, new Tensor(mean));
    }

    public Tensor argmax(long dim, bool keepdim = false)
    {
        IntPtr err;
        var r = LibTorch.nl_argmax(Handle, dim, keepdim ? 1 : 0, &err);
        return Fresh(r, err);
    }

    public Tensor norm(double p = 2)
    {
        IntPtr err;
        var r = LibTorch.nl_norm(Handle, p, &err);
        return Fresh(r, err);
    }

    /// <summary>torch.quantile with linear interpolation; without <paramref name="dim"/> over the flattened tensor.</summary>
    public Tensor quantile(Tensor q, long? dim = null, bool keepdim = false)
    {
        IntPtr err;
        var r = LibTorch.nl_quantile(Handle, q.Handle, dim ?? 0, dim.HasValue ? 1 : 0, keepdim ? 1 : 0, &err);
        return Fresh(r, err, q);
    }

    public (Tensor Values, Tensor Indices) sort(long dim = -1, bool descending = false)
    {
        IntPtr err;
        IntPtr idx = IntPtr.Zero;
        var r = LibTorch.nl_sort(Handle, dim, descending ? 1 : 0, &idx, &err);
        var values = Fresh(r, err);
        return (values, new Tensor(idx));
    }

    public Tensor matmul(Tensor other)
    {
        IntPtr err;
        var r = LibTorch.nl_matmul(Handle, other.Handle, &err);
        return Fresh(r, err, other);
    }

    public Tensor where(Tensor condition, Tensor other)
    {
        IntPtr err;
        var r = LibTorch.nl_where(condition.Handle, Handle, other.Handle, &err);
        GC.KeepAlive(condition);
        return Fresh(r, err, other);
    }
}
