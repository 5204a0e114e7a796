"""Start-up of both roles: hello, loading the handlers, loaded/ready, fatal errors, exit."""

import pytest

from conftest import LINEAR_MODEL


def start_and_expect_fatal(launcher, role):
    process = launcher.start(role)
    hello = process.peer.expect("hello")
    assert hello.header["role"] == role
    assert hello.header["pid"] == process.pid
    fatal = process.peer.expect("fatal")
    assert process.wait() == 1
    return fatal.header["message"], process


@pytest.mark.parametrize("role", ["loader", "worker"])
def test_loader_and_worker_report_loaded_and_ready(launcher, role):
    launcher.write(LINEAR_MODEL)
    process = launcher.start(role)
    hello = process.peer.expect("hello")
    assert hello.header == {"type": "hello", "role": role, "pid": process.pid} | (
        {"worker_id": 0} if role == "worker" else {}
    )
    if role == "loader":
        loaded = process.peer.expect("loaded")
        assert loaded.header["fork_safe"] is True
        assert loaded.header["reason"] == ""
    else:
        assert process.peer.expect("ready").header == {"type": "ready", "worker_id": 0}


@pytest.mark.parametrize("role", ["loader", "worker"])
def test_missing_model_fn_is_fatal_at_start_with_the_reference_message(launcher, role):
    launcher.write("def predict_fn(data, model):\n    return data\n")
    message, _ = start_and_expect_fatal(launcher, role)
    assert message.startswith("NotImplementedError: Please provide a model_fn implementation.")
    assert "https://sagemaker.readthedocs.io/en/stable/" in message
    assert "\n" not in message


def test_no_user_module_at_all_is_the_missing_model_fn_error(launcher):
    message, _ = start_and_expect_fatal(launcher, "worker")
    assert "Please provide a model_fn implementation." in message


def test_transform_fn_with_input_fn_is_fatal_at_start(launcher):
    launcher.write(
        """
        def model_fn(model_dir):
            return 1
        def input_fn(data, content_type):
            return data
        def transform_fn(model, data, content_type, accept):
            return data
        """
    )
    message, _ = start_and_expect_fatal(launcher, "loader")
    assert message.startswith("HandlerError: ")
    assert "transform_fn" in message and "input_fn" in message


def test_an_exception_in_model_fn_is_fatal_naming_it_and_where(launcher):
    launcher.write(
        """
        def model_fn(model_dir):
            open(model_dir + "/missing.bin")
        """
    )
    message, process = start_and_expect_fatal(launcher, "worker")
    assert message.startswith("FileNotFoundError: [Errno 2] No such file or directory")
    assert "inference.py:3 in model_fn" in message
    assert "Traceback" in process.stderr()


def test_an_import_error_in_the_user_module_is_fatal(launcher):
    launcher.write("import not_a_module_anywhere\n")
    message, _ = start_and_expect_fatal(launcher, "loader")
    assert message.startswith("ModuleNotFoundError: No module named 'not_a_module_anywhere'")
    assert message.endswith("(raised at " + str(launcher.code_dir / "inference.py") +
                            ":1 in <module>)")


def test_a_syntax_error_in_the_user_module_names_file_and_line(launcher):
    launcher.write("def model_fn(model_dir):\n    return (\n")
    message, _ = start_and_expect_fatal(launcher, "worker")
    assert message.startswith("SyntaxError: '(' was never closed (inference.py, line 2)")
    assert "frozen" not in message


def test_sys_exit_while_loading_is_fatal(launcher):
    launcher.write("import sys\nsys.exit(0)\n")
    message, _ = start_and_expect_fatal(launcher, "worker")
    assert "sys.exit(0)" in message


def test_a_handler_with_the_wrong_arity_is_fatal(launcher):
    launcher.write("def model_fn(a, b, c):\n    return 1\n")
    message, _ = start_and_expect_fatal(launcher, "worker")
    assert message.startswith("TypeError: model_fn takes 3 arguments")


def test_unknown_role_is_fatal(launcher):
    launcher.write(LINEAR_MODEL)
    process = launcher.start("loader", env={"OPTML_SERVE_ROLE": "boss"})
    fatal = process.peer.expect("fatal")
    assert "OPTML_SERVE_ROLE" in fatal.header["message"]
    assert process.wait() == 1


def test_pre_model_fn_model_fn_and_model_warmup_fn_run_in_order(launcher):
    process = launcher.ready_worker(
        """
        calls = []
        def pre_model_fn(model_dir):
            calls.append(("pre_model_fn", model_dir))
        def model_fn(model_dir, context):
            calls.append(("model_fn", model_dir, context.system_properties["model_dir"]))
            return {"weights": 1}
        def model_warmup_fn(model_dir, model):
            calls.append(("model_warmup_fn", model_dir, model))
        def transform_fn(model, data, content_type, accept):
            return calls
        """
    )
    response = process.peer.invoke(b"{}", "application/json")
    model_dir = str(launcher.model_dir)
    import json

    assert json.loads(response.body) == [
        ["pre_model_fn", model_dir],
        ["model_fn", model_dir, model_dir],
        ["model_warmup_fn", model_dir, {"weights": 1}],
    ]


def test_sagemaker_program_names_the_module(launcher):
    launcher.write("def model_fn(d):\n    return 'other'\n"
                   "def transform_fn(m, d, c, a):\n    return m\n", name="other_handler.py")
    process = launcher.start("worker", env={"SAGEMAKER_PROGRAM": "other_handler.py"})
    process.peer.expect("hello")
    process.peer.expect("ready")
    assert process.peer.invoke(b"x", "text/plain").body == b"other"


def test_hello_comes_before_loading_in_the_worker_role(launcher):
    launcher.write(
        """
        import os, time
        def model_fn(model_dir):
            # Loading waits until the test has seen hello: it creates the flag file then.
            flag = os.path.join(model_dir, "go")
            deadline = time.monotonic() + 30
            while not os.path.exists(flag) and time.monotonic() < deadline:
                time.sleep(0.01)
            return 1
        """
    )
    process = launcher.start("worker")
    process.peer.expect("hello")
    (launcher.model_dir / "go").touch()
    process.peer.expect("ready")


@pytest.mark.parametrize("role", ["loader", "worker"])
def test_exit_frame_and_closed_connection_end_the_process_with_0(launcher, role):
    launcher.write(LINEAR_MODEL)
    first = launcher.start(role)
    first.peer.expect("hello")
    first.peer.expect("loaded" if role == "loader" else "ready")
    first.peer.send({"type": "exit"})
    assert first.wait() == 0

    second = launcher.start(role)
    second.peer.expect("hello")
    second.peer.expect("loaded" if role == "loader" else "ready")
    second.peer.sock.shutdown(2)
    assert second.wait() == 0


def test_unknown_frame_types_and_keys_are_ignored(launcher):
    process = launcher.ready_worker()
    process.peer.send({"type": "something-new", "extra": 1}, b"ignored body")
    process.peer.send({"type": "invoke", "id": 7, "content_type": "application/json",
                       "accept": None, "headers": {}, "v2_key": True}, b"[1, 1]")
    response = process.peer.expect("response")
    assert response.header["id"] == 7 and response.body == b"3.0"


def test_handler_output_goes_to_the_process_stdout(launcher):
    process = launcher.ready_worker(
        """
        def model_fn(model_dir):
            print("loading the model")
            return 1
        def transform_fn(model, data, content_type, accept):
            print("request seen")
            return "ok"
        """
    )
    process.peer.invoke(b"{}", "application/json")
    process.peer.send({"type": "exit"})
    assert process.wait() == 0
    assert process.stdout() == "loading the model\nrequest seen\n"


def test_a_started_worker_runs_with_default_signal_dispositions(launcher):
    process = launcher.ready_worker()
    with open(f"/proc/{process.pid}/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    assert int(fields["SigCgt"], 16) == 0
    # glibc's internal signals 32 and 33 stay ignored (posix_spawn sets them so).
    assert int(fields["SigIgn"], 16) & ~((1 << 31) | (1 << 32)) == 0
    assert int(fields["SigBlk"], 16) == 0


def test_fatal_names_the_exception_class_so_memory_errors_can_be_told_apart(launcher):
    launcher.write(
        """
        def model_fn(model_dir):
            raise MemoryError("the weights do not fit")
        """
    )
    process = launcher.start("loader")
    process.peer.expect("hello")
    fatal = process.peer.expect("fatal")
    assert process.wait() == 1
    assert fatal.header["error_type"] == "MemoryError"
    assert fatal.header["message"].startswith("MemoryError: the weights do not fit")
