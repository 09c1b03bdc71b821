public enum HEErrorPlaceholder {}
