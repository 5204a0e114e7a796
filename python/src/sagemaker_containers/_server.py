"""Model server entry (serving): comes with optml's serve."""


def start(module_app):
    raise NotImplementedError("serving is optml's serve; sagemaker_containers' server is not "
                              "available in training")
