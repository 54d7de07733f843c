public enum A64Placeholder {}
