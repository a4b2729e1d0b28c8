"""YAML from outside, read within bounds: a size cap, no alias bombs, no cycles, no custom tags.

PyYAML shares the node of an anchor between its aliases, so a page of a few hundred bytes can stand for a tree of
billions of nodes; every walker downstream (our checks, the OpenAPI validator, the diff) would then run for hours.
The node graph is therefore measured as the tree it stands for, before anything is built from it.
"""

from __future__ import annotations

from typing import Any

import yaml

__all__ = ["MAX_DEPTH", "MAX_NODES", "MAX_SPEC_BYTES", "load_bounded_yaml"]

# Published docs pages are about 30 KB and the vendored spec about 700 nodes, 10 levels deep: the caps are far above.
MAX_SPEC_BYTES = 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 64


_Loader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Limit(ValueError):
    pass


def load_bounded_yaml(text: str) -> Any:
    """Parse `text` with PyYAML's safe loader; raise ValueError naming the broken bound or the YAML problem."""
    if len(text) > MAX_SPEC_BYTES:
        raise ValueError(f"too large: {len(text)} characters, over the cap of {MAX_SPEC_BYTES}")
    # libyaml's parser when PyYAML has it (6x faster on the 550 KB whole spec); the same safe constructors.
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except RecursionError:
            raise _Limit(f"nested too deeply (more than {MAX_DEPTH} levels)") from None
        if node is None:
            return None
        _check_expanded_size(node)
        return loader.construct_document(node)
    except _Limit:
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ValueError(f"not valid YAML{where}: {problem}") from None
    except ValueError as exc:  # e.g. an integer of thousands of digits (Python's int conversion limit)
        raise ValueError(f"not valid YAML: {str(exc).splitlines()[0][:200]}") from None
    finally:
        loader.dispose()


def _check_expanded_size(root: yaml.Node) -> None:
    """Measure the tree the graph stands for (aliases expanded) without building it; refuse cycles."""
    size: dict[int, int] = {}
    height: dict[int, int] = {}
    on_path: set[int] = set()
    # Iterative post-order walk, each node once: a shared node's size and height are computed one time.
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            on_path.discard(key)
            children = _children(node)
            size[key] = 1 + sum(size[id(child)] for child in children)
            height[key] = 1 + max((height[id(child)] for child in children), default=0)
            if size[key] > MAX_NODES:
                raise _Limit(f"too large once its aliases are expanded (over {MAX_NODES} nodes): an alias bomb")
            if height[key] > MAX_DEPTH:
                raise _Limit(f"nested too deeply (more than {MAX_DEPTH} levels)")
            continue
        if key in size:
            continue
        if key in on_path:
            raise _Limit(f"recursive: an alias at line {node.start_mark.line + 1} refers to a node that contains it")
        on_path.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node) if id(child) not in size)


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []
