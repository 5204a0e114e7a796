# train runs this with `python -c` as a TensorFlow parameter server (the ps task TF_CONFIG
# names). The reference's TensorFlow container serves the ps task from inside its own Python
# process; here it is a separate process, kept off the GPUs as the reference's ConfigProto does.
import json, os
import tensorflow as tf
config = json.loads(os.environ["TF_CONFIG"])
server = tf.distribute.Server(tf.train.ClusterSpec(config["cluster"]), job_name="ps",
                              task_index=config["task"]["index"], protocol="grpc")
server.join()
