"""Appeals: member organizations co-draft a joint appeal, from first draft to a frozen,
hash-bound text."""
