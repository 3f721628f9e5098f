import pytest

import kzoo
from kzoo.registry import Example, ModelInfo


def test_list_models_sorted_and_filtered():
    names = kzoo.list_models()
    assert names == sorted(names)
    assert {"perceptron", "mlp_classifier", "mlp_regressor"} <= set(names)
    assert kzoo.list_models("mlp_*") == ["mlp_classifier", "mlp_regressor"]
    assert "mlp_regressor" not in kzoo.list_models("*classifier")
    assert kzoo.list_models(family="dense", task="regression") == ["mlp_regressor"]
    assert kzoo.list_models("no_such_*") == []


def test_model_info_reads_signature_defaults():
    info = kzoo.model_info("mlp_classifier")
    assert isinstance(info, ModelInfo)
    assert (info.family, info.task) == ("dense", "classification")
    assert info.defaults["hidden_units"] == (256, 128)
    assert info.defaults["dropout"] == 0.3
    assert info.defaults["learning_rate"] == 1e-3
    assert info.defaults["optimizer"] == "adam"
    assert set(info.required) == {"num_classes", "input_shape"}
    assert "Quick Start" in info.guide
    assert isinstance(info.example, Example)
    assert {"learning_rate", "units", "num_layers", "dropout"} <= set(info.search_space.names)
    assert "mlp_classifier" in str(info)


def test_search_space_defaults_reproduce_factory_defaults():
    info = kzoo.model_info("mlp_classifier")
    values = info.search_space.defaults_from(info.defaults)
    assert values == {"units": 256, "num_layers": 2}
    kwargs = info.search_space.kwargs_for({**values, "dropout": 0.3})
    assert kwargs == {"hidden_units": (256, 128), "dropout": 0.3}


def test_unknown_name_suggests_close_matches():
    with pytest.raises(ValueError, match=r"Did you mean: mlp_classifier"):
        kzoo.create_model("mlp_clasifier", num_classes=2, input_shape=(4,))
    with pytest.raises(ValueError, match="Unknown model name"):
        kzoo.model_info("zzz")


def test_create_model_equals_factory_and_checks_arguments():
    model = kzoo.create_model("mlp_classifier", num_classes=3, input_shape=(5,))
    same = kzoo.mlp_classifier(num_classes=3, input_shape=(5,))
    assert model.name == same.name == "mlp_classifier"
    assert model.count_params() == same.count_params()
    with pytest.raises(ValueError, match="unexpected argument"):
        kzoo.create_model("mlp_classifier", num_classes=3, input_shape=(5,), unitz=3)
    with pytest.raises(ValueError, match="needs the argument"):
        kzoo.create_model("mlp_classifier", input_shape=(5,))


def test_register_model_rejects_unknown_task_and_duplicates():
    with pytest.raises(ValueError, match="task must be one of"):
        kzoo.register_model(family="x", task="dreaming")
    with pytest.raises(ValueError, match="already registered"):
        kzoo.register_model(family="dense", task="classification",
                            name="mlp_classifier")(lambda: None)
