"""sagemaker-containers' `beta` namespace."""
