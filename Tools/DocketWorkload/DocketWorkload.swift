public enum DocketWorkload {}
