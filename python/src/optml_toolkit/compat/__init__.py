"""Glue between the SageMaker toolkit APIs (sagemaker_training, sagemaker_containers) and
optml's C++ side."""
