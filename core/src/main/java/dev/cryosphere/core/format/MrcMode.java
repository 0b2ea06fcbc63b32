package dev.cryosphere.core.format;

/** MRC2014 voxel modes this project reads (mode 2 is the only one it writes). */
public enum MrcMode {
    INT8(0, 1), INT16(1, 2), FLOAT32(2, 4), UINT16(6, 2), FLOAT16(12, 2);

    /** The number stored in header word 4. */
    public final int code;
    public final int bytesPerVoxel;

    MrcMode(int code, int bytesPerVoxel) {
        this.code = code;
        this.bytesPerVoxel = bytesPerVoxel;
    }

    /** The mode for a header code, or null for modes we do not read (3, 4 complex; 5; 101 packed 4-bit). */
    public static MrcMode of(int code) {
        for (MrcMode m : values()) if (m.code == code) return m;
        return null;
    }
}
