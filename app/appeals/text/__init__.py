"""The text format of appeals: blocks, inline markup, canonical hash, import and export."""
