"""The Python classes' parameters are the C++ declarations: for every kind `outcore steps --json`
lists (the CLI binary, not the module), the class's signature has the same names, in order, with
the declared defaults; and the module's registry is that same JSON."""

import inspect
import json
import unittest

import outcore
from outcore import _outcore

from support import run


class DeclaredParamsTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.cli = json.loads(run("steps", "--json"))

    def entries(self):
        return self.cli["steps"] + self.cli["estimators"]

    def test_cli_lists_every_class_and_every_class_is_listed(self):
        listed = {e["kind"] for e in self.entries()}
        classes = {c.kind for c in outcore.estimators.STEP_CLASSES + outcore.estimators.ESTIMATOR_CLASSES}
        self.assertEqual(listed, classes)
        self.assertGreaterEqual(len(listed), 12)

    def test_each_parameter_has_name_type_default_and_doc(self):
        for entry in self.entries():
            for p in entry["parameters"]:
                self.assertLessEqual({"name", "type", "default", "required", "doc"}, set(p), (entry["kind"], p))
                self.assertTrue(p["doc"], (entry["kind"], p["name"]))
            self.assertEqual(entry["params"], [p["name"] for p in entry["parameters"]], entry["kind"])

    def test_signature_names_and_defaults_equal_the_declaration(self):
        for entry in self.entries():
            cls = outcore.estimators.CLASSES_BY_KIND[entry["kind"]]
            signature = inspect.signature(cls)
            declared = [(p["name"], p["default"]) for p in entry["parameters"]]
            got = [(name, param.default) for name, param in signature.parameters.items()]
            self.assertEqual(got, declared, entry["kind"])
            for name, param in signature.parameters.items():
                self.assertIs(param.kind, inspect.Parameter.KEYWORD_ONLY, (entry["kind"], name))
                # The types agree too: 0 is not 0.0 and True is not 1 in a signature.
                self.assertIs(type(param.default), type(dict(declared)[name]), (entry["kind"], name))
            # get_params of a default object gives the same.
            self.assertEqual(cls().get_params(), dict(declared), entry["kind"])

    def test_classifier_flag_matches_the_class(self):
        for entry in self.cli["estimators"]:
            cls = outcore.estimators.CLASSES_BY_KIND[entry["kind"]]
            self.assertEqual(issubclass(cls, outcore.OutcoreClassifier), entry["classifier"], entry["kind"])

    def test_module_registry_is_the_cli_json(self):
        self.assertEqual(json.loads(_outcore.registry()), self.cli)

    def test_docstring_lists_each_parameter(self):
        for entry in self.entries():
            doc = outcore.estimators.CLASSES_BY_KIND[entry["kind"]].__doc__
            for p in entry["parameters"]:
                self.assertIn(p["name"], doc)
                self.assertIn(p["doc"], doc)

    def test_a_value_out_of_bounds_is_refused_naming_it(self):
        import numpy as np
        X, y = np.random.RandomState(0).normal(size=(20, 2)), np.arange(20) % 2
        with self.assertRaisesRegex(outcore.ModelError, "logistic_regression: parameter 'max_iter' must be a whole number"):
            outcore.LogisticRegression(max_iter=0).fit(X, y)


if __name__ == "__main__":
    unittest.main()
