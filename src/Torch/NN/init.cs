namespace NormLab.Torch;

public static partial class torch
{
    public static partial class nn
    {
        /// <summary>
        /// Weight initialisers, PyTorch's <c>torch.nn.init</c> (in place, no autograd). Fans follow PyTorch:
        /// fan_in = in_features·receptive field, fan_out = out_features·receptive field for a weight [out, in, kh, kw].
        /// </summary>
        public static class init
        {
            public static (long FanIn, long FanOut) calculate_fan_in_and_fan_out(Tensor weight)
            {
                var s = weight.shape;
                if (s.Length < 2)
                    throw new ArgumentException($"fan in and fan out need a weight of at least 2 dimensions (got [{string.Join(", ", s)}])");
                long receptive = 1;
                for (var i = 2; i < s.Length; i++) receptive *= s[i];
                return (s[1] * receptive, s[0] * receptive);
            }

            public static Tensor uniform_(Tensor t, double a = 0, double b = 1)
            {
                using (no_grad()) return t.uniform_(a, b);
            }

            public static Tensor normal_(Tensor t, double mean = 0, double std = 1)
            {
                using (no_grad()) return t.normal_(mean, std);
            }

            public static Tensor zeros_(Tensor t)
            {
                using (no_grad()) return t.zero_();
            }

            public static Tensor ones_(Tensor t)
            {
                using (no_grad()) return t.fill_(1);
            }

            public static Tensor constant_(Tensor t, double value)
            {
                using (no_grad()) return t.fill_(value);
            }

            /// <summary>Gain of the leaky_relu family as PyTorch's calculate_gain: √(2 / (1 + a²)).</summary>
            public static double leaky_relu_gain(double negativeSlope) => Math.Sqrt(2.0 / (1 + negativeSlope * negativeSlope));

            /// <summary>kaiming_uniform_ with mode fan_in: bound = gain·√(3 / fan_in). PyTorch's default Linear/Conv
            /// weight init is this with a = √5.</summary>
            public static Tensor kaiming_uniform_(Tensor t, double a = 0)
            {
                var (fanIn, _) = calculate_fan_in_and_fan_out(t);
                var bound = leaky_relu_gain(a) * Math.Sqrt(3.0 / fanIn);
                return uniform_(t, -bound, bound);
            }

            /// <summary>kaiming_normal_ with mode fan_in: std = gain / √fan_in.</summary>
            public static Tensor kaiming_normal_(Tensor t, double a = 0)
            {
                var (fanIn, _) = calculate_fan_in_and_fan_out(t);
                return normal_(t, 0, leaky_relu_gain(a) / Math.Sqrt(fanIn));
            }

            /// <summary>xavier (glorot) uniform: bound = gain·√(6 / (fan_in + fan_out)) — Keras' default kernel init.</summary>
            public static Tensor xavier_uniform_(Tensor t, double gain = 1)
            {
                var (fanIn, fanOut) = calculate_fan_in_and_fan_out(t);
                var bound = gain * Math.Sqrt(6.0 / (fanIn + fanOut));
                return uniform_(t, -bound, bound);
            }

            /// <summary>
            /// Normal(mean, std) truncated to [a, b] by inverse-CDF sampling (the method of PyTorch's trunc_normal_):
            /// draw u uniformly between Φ(a) and Φ(b), return mean + std·√2·erfinv(2u−1), clamp to [a, b].
            /// </summary>
            public static Tensor trunc_normal_(Tensor t, double mean = 0, double std = 1, double a = -2, double b = 2)
            {
                static double Cdf(double x) => (1 + Erf(x / Math.Sqrt(2))) / 2;
                var lo = Cdf((a - mean) / std);
                var hi = Cdf((b - mean) / std);
                using (no_grad())
                using (NewDisposeScope())
                {
                    t.uniform_(2 * lo - 1, 2 * hi - 1);
                    using var x = t.erfinv().mul(std * Math.Sqrt(2)).add(mean).clamp(a, b);
                    t.copy_(x);
                }
                return t;
            }

            // .NET has no Math.Erf. Numerical Recipes' Chebyshev fit of erfc (fractional error < 1.2e-7) is ample for
            // the truncation points, which only bound the uniform draw.
            private static double Erf(double x)
            {
                var sign = Math.Sign(x);
                x = Math.Abs(x);
                var t = 1.0 / (1.0 + 0.5 * x);
                var y = 1 - t * Math.Exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
                return sign * y;
            }
        }
    }
}
