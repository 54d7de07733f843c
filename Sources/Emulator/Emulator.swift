import A64
public enum EmulatorPlaceholder {}
