"""The contract suite: the vendored spec's contract, including the rules that live only in its prose."""
