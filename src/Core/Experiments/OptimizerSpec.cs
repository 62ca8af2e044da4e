namespace NormLab.Core.Experiments;

/// <summary>
/// The optimizer of a run, a closed family with PyTorch's names and defaults (DESIGN.md): <c>lr</c> everywhere,
/// <c>SGD(lr, momentum=0, dampening=0, weight_decay=0, nesterov=False)</c>, <c>Adam(lr=1e-3, betas=(0.9, 0.999), eps=1e-8)</c>,
/// <c>RMSprop(lr=0.01, alpha=0.99, eps=1e-8)</c>. A study reproducing a Keras notebook writes Keras' values explicitly
/// (Keras SGD lr 0.01; Adam eps 1e-7; RMSprop lr 0.001, rho → alpha 0.9, eps 1e-7).
/// </summary>
public abstract record OptimizerSpec
{
    /// <summary>The YAML <c>type</c>: sgd, adam, rmsprop.</summary>
    public abstract string TypeName { get; }

    public abstract double LearningRate { get; }

    /// <summary>The YAML type names accepted (<c>momentum</c> is SGD whose momentum defaults to 0.9).</summary>
    public static Seq<string> TypeNames => Seq("sgd", "momentum", "adam", "rmsprop");

    /// <summary>The momentum that YAML's <c>type: momentum</c> gives when none is written.</summary>
    public const double MomentumTypeDefault = 0.9;

    public sealed record Sgd(double Lr, double Momentum = 0, double Dampening = 0, double WeightDecay = 0, bool Nesterov = false)
        : OptimizerSpec
    {
        public override string TypeName => "sgd";
        public override double LearningRate => Lr;
    }

    public sealed record Adam(double Lr = 1e-3, double Beta1 = 0.9, double Beta2 = 0.999, double Eps = 1e-8,
        double WeightDecay = 0, bool Amsgrad = false) : OptimizerSpec
    {
        public override string TypeName => "adam";
        public override double LearningRate => Lr;
    }

    /// <param name="Alpha">The smoothing constant of the squared-gradient average (Keras calls it rho).</param>
    public sealed record RmsProp(double Lr = 0.01, double Alpha = 0.99, double Eps = 1e-8, double WeightDecay = 0,
        double Momentum = 0, bool Centered = false) : OptimizerSpec
    {
        public override string TypeName => "rmsprop";
        public override double LearningRate => Lr;
    }

    /// <summary>Every mistake in the optimizer's fields, under <paramref name="path"/> (e.g. <c>experiments[0].optimizer</c>).</summary>
    public Seq<Problem> Problems(string path)
    {
        Seq<Problem> Positive(string field, double v) => v > 0 && double.IsFinite(v)
            ? Seq<Problem>() : Seq1(new Problem(ProblemPath.Join(path, field), $"must be > 0 (got {Format.Number(v)})"));
        Seq<Problem> NonNegative(string field, double v) => v >= 0 && double.IsFinite(v)
            ? Seq<Problem>() : Seq1(new Problem(ProblemPath.Join(path, field), $"must be >= 0 (got {Format.Number(v)})"));
        Seq<Problem> UnitInterval(string field, double v) => v >= 0 && v < 1
            ? Seq<Problem>() : Seq1(new Problem(ProblemPath.Join(path, field), $"must be in [0, 1) (got {Format.Number(v)})"));
        return this switch
        {
            Sgd s => Positive("lr", s.Lr) + NonNegative("momentum", s.Momentum) + NonNegative("dampening", s.Dampening)
                     + NonNegative("weightDecay", s.WeightDecay)
                     + (s.Nesterov && (s.Momentum <= 0 || s.Dampening != 0)
                         // PyTorch: "Nesterov momentum requires a momentum and zero dampening".
                         ? Seq1(new Problem(ProblemPath.Join(path, "nesterov"), "needs momentum > 0 and dampening 0"))
                         : Seq<Problem>()),
            Adam a => Positive("lr", a.Lr) + UnitInterval("beta1", a.Beta1) + UnitInterval("beta2", a.Beta2)
                      + Positive("eps", a.Eps) + NonNegative("weightDecay", a.WeightDecay),
            RmsProp r => Positive("lr", r.Lr) + UnitInterval("alpha", r.Alpha) + Positive("eps", r.Eps)
                         + NonNegative("weightDecay", r.WeightDecay) + NonNegative("momentum", r.Momentum),
            _ => Seq<Problem>(),
        };
    }
}
