using NormLab.Core.Networks;
using static NormLab.Tests.Unit.Core.Helpers;

namespace NormLab.Tests.Unit.Core;

public class ValidationTests
{
    static Network Net(Seq<int> input, params Layer[] layers) => new("test", input, Layers(layers));

    [Fact]
    public void Every_field_problem_of_every_layer_is_reported_at_once_under_the_callers_prefix()
    {
        var net = Net(Shape(1, 28, 28),
            new Conv2D(0, 5, Stride: -1),
            new BatchNorm(BnConvention.Torch, Momentum: 1.5, Epsilon: 0),
            new Activation(ActivationKind.LeakyRelu, Alpha: -0.1),
            new Flatten(),
            new Dense(-3),
            new Dropout(1.0));

        AssertProblems(new[]
        {
            "experiments[2].model.layers[0].filters: must be > 0 (got 0)",
            "experiments[2].model.layers[0].stride: must be > 0 (got -1)",
            "experiments[2].model.layers[1].momentum: must be in [0, 1] (got 1.5)",
            "experiments[2].model.layers[1].epsilon: must be > 0 (got 0)",
            "experiments[2].model.layers[2].alpha: must be >= 0 (got -0.1)",
            "experiments[2].model.layers[4].units: must be > 0 (got -3)",
            "experiments[2].model.layers[5].rate: must be in [0, 1) (got 1)",
        }, NetworkValidation.Validate(net, "experiments[2].model"));
    }

    [Fact]
    public void Without_a_prefix_paths_start_at_the_network()
    {
        var net = Net(Shape(784), new Dense(-3));
        AssertProblems(new[] { "layers[0].units: must be > 0 (got -3)" }, NetworkValidation.Validate(net));
    }

    [Fact]
    public void A_kernel_larger_than_its_input_asks_for_same_padding_or_a_smaller_kernel()
    {
        var net = Net(Shape(1, 10, 10), new Conv2D(4, 5), new MaxPool(2), new Conv2D(8, 5), new Flatten(), new Dense(10));
        AssertProblems(new[] { "layers[2]: kernel 5×5 does not fit input 3×3 — use padding: same or a smaller kernel" }, NetworkValidation.Validate(net));
    }

    [Fact]
    public void An_explicit_padding_too_small_for_the_kernel_says_so()
    {
        var net = Net(Shape(1, 3, 3), new Conv2D(4, 7, Padding: new Padding.Explicit(1)));
        AssertProblems(new[] { "layers[0]: kernel 7×7 does not fit input 3×3 padded by 1 — use a larger padding or a smaller kernel" }, NetworkValidation.Validate(net));
    }

    [Fact]
    public void Dense_and_softmax_on_an_image_ask_for_a_flatten_and_the_fold_goes_on_to_later_mistakes()
    {
        var net = Net(Shape(1, 28, 28),
            new Conv2D(6, 5), new Dense(10), new Activation(ActivationKind.Softmax), new Conv2D(3, 3));
        AssertProblems(new[]
        {
            "layers[1]: dense needs a flat (features) input but gets (6, 24, 24) — add a Flatten layer first",
            "layers[3]: conv2d needs a (channels, height, width) input but gets (10) — use an image input shape such as [1, 28, 28] and put Flatten after the convolutions",
        }, NetworkValidation.Validate(net));
    }

    [Fact]
    public void Softmax_on_an_image_asks_for_a_flatten()
    {
        var net = Net(Shape(3, 8, 8), new Activation(ActivationKind.Softmax));
        AssertProblems(new[] { "layers[0]: softmax needs a flat (features) input but gets (3, 8, 8) — add a Flatten layer first" }, NetworkValidation.Validate(net));
    }

    [Fact]
    public void Softmax_in_the_middle_of_a_network_is_allowed()
    {
        var net = Net(Shape(20), new Activation(ActivationKind.Softmax), new Dense(10));
        Assert.Equal(Shape(10), Infer(net).Output);
    }

    [Fact]
    public void Batch_norm_on_a_two_axis_input_and_pools_that_do_not_fit_are_rejected()
    {
        AssertProblems(new[] { "layers[0]: batch_norm needs a (features) or (channels, height, width) input but gets (28, 28) — add a Flatten layer first" }, NetworkValidation.Validate(Net(Shape(28, 28), new BatchNorm())));
        AssertProblems(new[] { "layers[1]: pool 2×2 does not fit input 1×1 — use a smaller size or remove this layer" }, NetworkValidation.Validate(Net(Shape(1, 2, 2), new MaxPool(2), new AvgPool(2))));
        AssertProblems(new[] { "layers[1]: max_pool needs a (channels, height, width) input but gets (4) — pool before the Flatten layer" }, NetworkValidation.Validate(Net(Shape(1, 2, 2), new Flatten(), new MaxPool(2))));
    }

    [Fact]
    public void Same_padding_needs_stride_one_and_an_odd_kernel()
    {
        var net = Net(Shape(1, 28, 28),
            new Conv2D(4, 5, Stride: 2, Padding: new Padding.Same()),
            new Conv2D(4, 4, Padding: new Padding.Same()),
            new Conv2D(4, 3, Padding: new Padding.Explicit(-1)));
        AssertProblems(new[]
        {
            "layers[0].padding: same needs stride 1 (got stride 2) — use an explicit padding such as padding: 2",
            "layers[1].padding: same needs an odd kernel (got 4) — symmetric padding cannot keep the size; use an odd kernel or an explicit padding",
            "layers[2].padding: must be >= 0 (got -1)",
        }, NetworkValidation.Validate(net));
    }

    [Fact]
    public void Batch_norm_fields_are_checked_against_their_convention()
    {
        var net = Net(Shape(10),
            new BatchNorm(BnConvention.Cumulative, Momentum: 0.1),
            new BatchNorm(BnConvention.Window, Window: 0, Epsilon: double.NaN),
            new BatchNorm((BnConvention)7, Implementation: (BnImplementation)9),
            new BatchNorm(BnConvention.Keras, Momentum: -0.01));
        AssertProblems(new[]
        {
            "layers[0].momentum: is not used by the cumulative convention — remove it (only torch and keras have a momentum)",
            "layers[1].epsilon: must be > 0 (got NaN)",
            "layers[1].window: must be > 0 (got 0)",
            "layers[2].convention: unknown value 7",
            "layers[2].implementation: unknown value 9",
            "layers[3].momentum: must be in [0, 1] (got -0.01)",
        }, NetworkValidation.Validate(net));
    }

    [Fact]
    public void Initializer_pooling_activation_and_layer_norm_fields_are_checked()
    {
        var net = Net(Shape(1, 8, 8),
            new Conv2D(2, 3, Init: new Normal(double.PositiveInfinity, 0)),
            new MaxPool(0, Stride: 0),
            new AvgPool(2, Stride: -2),
            new Activation(ActivationKind.Relu, Alpha: 0.2),
            new LayerNorm(Epsilon: -1),
            new Flatten(),
            new Dense(3, Init: new Uniform(0.1, -0.1)));
        AssertProblems(new[]
        {
            "layers[0].init.mean: must be a finite number (got Infinity)",
            "layers[0].init.std: must be > 0 (got 0)",
            "layers[1].size: must be > 0 (got 0)",
            "layers[1].stride: must be > 0 (got 0)",
            "layers[2].stride: must be > 0 (got -2)",
            "layers[3].alpha: is only used by leaky_relu, not relu — remove it",
            "layers[4].epsilon: must be > 0 (got -1)",
            "layers[6].init.high: must be > low (got low 0.1, high -0.1)",
        }, NetworkValidation.Validate(net));
    }

    [Fact]
    public void Network_name_input_shape_and_layer_names_are_checked()
    {
        var net = new Network(" ", Shape(0, 28, -1), Layers(new Flatten(Name: "a b"), new Dense(10, Name: "")));
        AssertProblems(new[]
        {
            "name: must not be empty",
            "inputShape[0]: must be > 0 (got 0)",
            "inputShape[2]: must be > 0 (got -1)",
            "layers[0].name: may contain only letters, digits, '_', '-' and '.' (got \"a b\")",
            "layers[1].name: must not be empty (leave it out for a generated name)",
        }, NetworkValidation.Validate(net));

        AssertProblems(new[] { "inputShape: must have 1 to 3 axes — (features), (height, width) before a Flatten, or (channels, height, width) — got 4" }, NetworkValidation.Validate(new Network("n", Shape(1, 1, 28, 28), Layers(new Flatten()))));
    }

    [Fact]
    public void Clashing_layer_names_are_reported_at_the_later_layer()
    {
        var net = Net(Shape(784),
            new Dense(100, Name: "dense_3"), new Dense(100, Name: "hidden"), new Dense(10), new Activation(ActivationKind.Sigmoid, Name: "hidden"));
        AssertProblems(new[]
        {
            "layers[2].name: \"dense_3\" is already the name of layers[0] (a generated name) — give one of them another name",
            "layers[3].name: \"hidden\" is already the name of layers[1] — give one of them another name",
        }, NetworkValidation.Validate(net));
    }

    [Fact]
    public void Too_large_networks_are_problems_not_overflows()
    {
        var huge = Net(Shape(50_000, 50_000, 50_000), new Flatten());
        AssertProblems(new[] { "layers[0]: flattens (50000, 50000, 50000) into 125,000,000,000,000 values, more than 2,147,483,647 — shrink the input first" }, NetworkValidation.Validate(huge));

        var wide = Net(Shape(int.MaxValue), new Dense(int.MaxValue));
        AssertProblems(new[] { "layers[0]: needs 4611686016279904256 parameters, more than 9,007,199,254,740,992 — use fewer units, filters or a smaller kernel" }, NetworkValidation.Validate(wide));
    }

    [Fact]
    public void A_missing_layer_or_input_shape_is_a_problem_not_an_exception()
    {
        var net = new Network("n", default, Layers(new Dense(-1), null!, new Dense(0)));
        AssertProblems(new[]
        {
            "inputShape: must have 1 to 3 axes — (features), (height, width) before a Flatten, or (channels, height, width) — got 0",
            "layers[0].units: must be > 0 (got -1)",
            "layers[1]: is empty — give the layer a type",
            "layers[2].units: must be > 0 (got 0)",
        }, NetworkValidation.Validate(net));
    }

    [Fact]
    public void A_valid_network_comes_back_unchanged()
    {
        var net = Presets.Lenet5BnAll;
        Assert.Equal(net, Ok(NetworkValidation.Validate(net, "models.lenet")));
    }
}
