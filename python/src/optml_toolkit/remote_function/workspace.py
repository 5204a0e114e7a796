"""workspace.zip as the SDK packs it: sagemaker_remote_function_workspace/ holding the working
directory's Python files (when include_local_workdir), the dependency file and pre_exec.sh."""

import fnmatch
import os
import shutil
import tempfile

WORKSPACE_CHANNEL = "sm_rf_user_ws"
WORKSPACE_FOLDER = "sagemaker_remote_function_workspace"
WORKSPACE_ARCHIVE = "workspace.zip"
PRE_EXECUTION_SCRIPT = "pre_exec.sh"


class CustomFileFilter:
    """Which files of a working directory to ship: all but the ignored name patterns."""

    def __init__(self, *, ignore_name_patterns=None):
        self._workdir = os.getcwd()
        self._ignore_name_patterns = ignore_name_patterns or []

    @property
    def ignore_name_patterns(self):
        return self._ignore_name_patterns

    @property
    def workdir(self):
        return self._workdir


def _python_files_only(path, names):
    ignored = []
    for name in names:
        full = os.path.join(path, name)
        if os.path.isfile(full):
            if not name.endswith(".py"):
                ignored.append(name)
        elif os.path.isdir(full):
            if name == "__pycache__":
                ignored.append(name)
        else:
            ignored.append(name)
    return ignored


def _copy_workdir(destination, custom_file_filter):
    source, ignore = os.getcwd(), _python_files_only
    if isinstance(custom_file_filter, CustomFileFilter):
        source = custom_file_filter.workdir

        def ignore(path, names):  # noqa: F811 - the filter's patterns replace the default
            ignored = set()
            for pattern in custom_file_filter.ignore_name_patterns:
                ignored.update(fnmatch.filter(names, pattern))
            return ignored

    elif callable(custom_file_filter):
        ignore = custom_file_filter
    shutil.copytree(source, destination, ignore=ignore)


def needs_workspace(settings):
    return bool(
        settings.dependencies
        or settings.include_local_workdir
        or settings.pre_execution_commands
        or settings.pre_execution_script
    )


def build_workspace_archive(settings, destination_dir):
    """Writes destination_dir/workspace.zip and returns its path, or None when nothing to ship."""
    if not needs_workspace(settings):
        return None
    with tempfile.TemporaryDirectory(prefix="optml-rf-workspace-") as scratch:
        root = os.path.join(scratch, "temp_workspace")
        os.mkdir(root)
        workspace = os.path.join(root, WORKSPACE_FOLDER)
        if settings.include_local_workdir:
            _copy_workdir(workspace, settings.custom_file_filter)
        if not os.path.isdir(workspace):
            os.mkdir(workspace)
        if settings.dependencies:
            shutil.copy2(settings.dependencies, workspace)
        if settings.pre_execution_commands:
            with open(os.path.join(workspace, PRE_EXECUTION_SCRIPT), "w") as script:
                script.writelines(command + "\n" for command in settings.pre_execution_commands)
        elif settings.pre_execution_script:
            shutil.copy2(settings.pre_execution_script, os.path.join(workspace, PRE_EXECUTION_SCRIPT))
        os.makedirs(destination_dir, exist_ok=True)
        archive = shutil.make_archive(os.path.join(scratch, "workspace"), "zip", root)
        target = os.path.join(destination_dir, WORKSPACE_ARCHIVE)
        shutil.move(archive, target)
        return target
