#!/usr/bin/env python3
"""Checks that the code follows ARCHITECTURE.md's dependency table.

Every `#include "toolkit/<folder>/..."` in toolkit/<module>/ must name the module itself or a
folder the table lets the module depend on, every folder of toolkit/ must have a row, and each
CMake `optml_module(<module> DEPS ... PRIVATE_DEPS ...)` must link exactly the table's modules.
app/ is the one folder with more than one library: its shared shell is the app module, and
each `optml_command(<command> SOURCES ... DEPS ...)` is a library of its own whose files and
links are checked against the table's "`app/` `<command>` command" row; `train` must not reach
http/ or serve/ through any row. Exit status 0 when all holds, 1 with one line per problem
otherwise. `--self-test` checks that a forbidden include, a link the table does not allow and
a train that reaches serve/ are all caught.
"""

import argparse
import pathlib
import re
import shutil
import sys
import tempfile

ROW = re.compile(r"^\|\s*`([a-z0-9_]+)/`\s*\|(.*)\|([^|]*)\|\s*$")
INCLUDE = re.compile(r'^\s*#\s*include\s+"toolkit/([a-z0-9_]+)/', re.MULTILINE)
MODULE_CALL = re.compile(r"optml_module\(\s*([a-z0-9_]+)(.*?)\)\s*$", re.MULTILINE | re.DOTALL)
COMMAND_ROW = re.compile(r"^\|\s*`app/`\s*`([a-z0-9_]+)` command\s*\|(.*)\|([^|]*)\|\s*$")
COMMAND_CALL = re.compile(r"optml_command\(\s*([a-z0-9_]+)(.*?)\)\s*$", re.MULTILINE | re.DOTALL)
# What a command must never link, directly or through the modules it links.
FORBIDDEN_FOR_COMMAND = {"train": {"http", "serve"}}


def module_names(root):
    return sorted(p.name for p in (root / "toolkit").iterdir() if p.is_dir())


def table_dependencies(root, modules):
    """{module: set of modules it may depend on}, from the table's rows for toolkit/ folders."""
    allowed = {}
    for line in (root / "ARCHITECTURE.md").read_text().splitlines():
        match = ROW.match(line)
        if not match or match.group(1) not in modules:
            continue
        words = re.findall(r"[a-z0-9_]+", match.group(3))
        allowed[match.group(1)] = {word for word in words if word in modules}
    return allowed


def command_dependencies(root, modules):
    """{command: set of modules it may depend on}, from the "`app/` `<command>` command" rows."""
    allowed = {}
    for line in (root / "ARCHITECTURE.md").read_text().splitlines():
        match = COMMAND_ROW.match(line)
        if match:
            words = re.findall(r"[a-z0-9_]+", match.group(3))
            allowed[match.group(1)] = {word for word in words if word in modules}
    return allowed


def cmake_commands(root):
    """{command: (set of app/ source stems, set of optml_* libraries it links)}."""
    text = re.sub(r"#.*", "", (root / "CMakeLists.txt").read_text())
    commands = {}
    for match in COMMAND_CALL.finditer(text):
        stems = set(re.findall(r"\b([a-z0-9_]+)\.cpp\b", match.group(2)))
        commands[match.group(1)] = (stems,
                                    set(re.findall(r"\boptml_([a-z0-9_]+)\b", match.group(2))))
    return commands


def reachable(start, allowed):
    """Every module `start` reaches through the table's rows."""
    seen, pending = set(), list(start)
    while pending:
        module = pending.pop()
        if module not in seen:
            seen.add(module)
            pending.extend(allowed.get(module, ()))
    return seen


def cmake_dependencies(root):
    """{module: set of optml_* libraries its optml_module() call links}."""
    text = (root / "CMakeLists.txt").read_text()
    text = re.sub(r"#.*", "", text)
    linked = {}
    for match in MODULE_CALL.finditer(text):
        linked[match.group(1)] = set(re.findall(r"\boptml_([a-z0-9_]+)\b", match.group(2)))
    return linked


def problems_in(root):
    modules = module_names(root)
    allowed = table_dependencies(root, modules)
    linked = cmake_dependencies(root)
    command_rows = command_dependencies(root, modules)
    commands = cmake_commands(root)
    command_of_stem = {stem: name for name, (stems, _) in commands.items() for stem in stems}
    problems = []
    for module in modules:
        if module not in allowed:
            problems.append(f"toolkit/{module}/ has no row in ARCHITECTURE.md's table")
            continue
        for source in sorted((root / "toolkit" / module).rglob("*.[ch]pp")):
            owner, rules = module, allowed[module]
            command = command_of_stem.get(source.stem) if module == "app" else None
            if command is not None:
                owner, rules = f"app/'s {command} command", command_rows.get(command, set())
            for target in INCLUDE.findall(source.read_text(errors="replace")):
                if target != module and target not in rules:
                    problems.append(
                        f"{source.relative_to(root)} includes toolkit/{target}/, which "
                        f"ARCHITECTURE.md does not let {owner} depend on")
        if module not in linked:
            problems.append(f"CMakeLists.txt has no optml_module({module} ...)")
        elif linked[module] != allowed[module]:
            problems.append(
                f"CMakeLists.txt links optml_{module} with {sorted(linked[module])}, "
                f"ARCHITECTURE.md allows {sorted(allowed[module])}")
    for command, (_, command_links) in sorted(commands.items()):
        if command not in command_rows:
            problems.append(f"app/'s {command} command has no row in ARCHITECTURE.md's table")
            continue
        if command_links != command_rows[command]:
            problems.append(
                f"CMakeLists.txt links optml_{command}_command with {sorted(command_links)}, "
                f"ARCHITECTURE.md allows {sorted(command_rows[command])}")
        reached = reachable(command_rows[command], allowed)
        for forbidden in sorted(FORBIDDEN_FOR_COMMAND.get(command, set()) & reached):
            problems.append(f"{command} reaches toolkit/{forbidden}/, which it must never link")
    return problems


def self_test(root):
    """A copy of the tree with one forbidden include and one extra link must fail twice."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = pathlib.Path(scratch)
        shutil.copytree(root / "toolkit", copy / "toolkit")
        (copy / "toolkit" / "errors" / "forbidden.cpp").write_text(
            '#include "toolkit/app/train_main.hpp"\n')
        cmake = (root / "CMakeLists.txt").read_text()
        cmake = cmake.replace("optml_module(errors)", "optml_module(errors DEPS optml_app)")
        # train's row and its links both gain serve: consistent, but train now reaches serve/.
        cmake = cmake.replace("optml_command(train SOURCES train_main.cpp training_job.cpp",
                              "optml_command(train SOURCES train_main.cpp training_job.cpp "
                              "DEPS optml_serve")
        (copy / "CMakeLists.txt").write_text(cmake)
        table = (root / "ARCHITECTURE.md").read_text()
        table = re.sub(r"^(\| `app/` `train` command \|.*\|)([^|]*)\|$",
                       lambda m: f"{m.group(1)}{m.group(2).rstrip()}, serve |", table,
                       flags=re.MULTILINE)
        (copy / "ARCHITECTURE.md").write_text(table)
        found = problems_in(copy)
    caught_include = any("forbidden.cpp includes toolkit/app/" in p for p in found)
    caught_link = any("links optml_errors" in p for p in found)
    caught_reach = any("train reaches toolkit/serve/" in p for p in found)
    if (caught_include and caught_link and caught_reach
            and len(found) == 2 + sum("train reaches" in p for p in found)
            + len(problems_in(root))):
        print("self-test: the forbidden include, the extra link and train reaching serve/ "
              "were all reported")
        return 0
    print("self-test failed; reported:\n" + "\n".join(found))
    return 1


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=pathlib.Path,
                        default=pathlib.Path(__file__).resolve().parents[2])
    parser.add_argument("--self-test", action="store_true")
    args = parser.parse_args()
    if args.self_test:
        return self_test(args.root)
    problems = problems_in(args.root)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{len(module_names(args.root))} modules follow ARCHITECTURE.md's table")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
