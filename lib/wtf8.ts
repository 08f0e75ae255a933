// WTF-8: UTF-8 extended to lone surrogates (each as its own 3-byte sequence). It is injective over
// every JavaScript string and equals UTF-8 on well-formed ones, so byte order stays level-cache's.

export function wtf8Encode(text: string): Buffer {
  if (text.isWellFormed()) return Buffer.from(text, "utf8");
  const out = Buffer.allocUnsafe(text.length * 3);
  let at = 0;
  for (let i = 0; i < text.length; i++) {
    let unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        const point = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
        out[at++] = 0xf0 | (point >> 18);
        out[at++] = 0x80 | ((point >> 12) & 0x3f);
        out[at++] = 0x80 | ((point >> 6) & 0x3f);
        out[at++] = 0x80 | (point & 0x3f);
        i++;
        continue;
      }
    }
    if (unit < 0x80) {
      out[at++] = unit;
    } else if (unit < 0x800) {
      out[at++] = 0xc0 | (unit >> 6);
      out[at++] = 0x80 | (unit & 0x3f);
    } else {
      out[at++] = 0xe0 | (unit >> 12);
      out[at++] = 0x80 | ((unit >> 6) & 0x3f);
      out[at++] = 0x80 | (unit & 0x3f);
    }
  }
  return out.subarray(0, at);
}

/** True when the bytes hold an encoded lone surrogate (ED A0..BF), which UTF-8 decoding would replace. */
function hasSurrogate(bytes: Uint8Array): boolean {
  for (let i = bytes.indexOf(0xed); i !== -1; i = bytes.indexOf(0xed, i + 1)) {
    if ((bytes[i + 1] ?? 0) >= 0xa0) return true;
  }
  return false;
}

export function wtf8Decode(bytes: Uint8Array): string {
  if (!hasSurrogate(bytes)) return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8");
  let text = "";
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i]!;
    let point: number;
    if (lead < 0x80) {
      point = lead;
      i += 1;
    } else if (lead < 0xe0) {
      point = ((lead & 0x1f) << 6) | (bytes[i + 1]! & 0x3f);
      i += 2;
    } else if (lead < 0xf0) {
      point = ((lead & 0x0f) << 12) | ((bytes[i + 1]! & 0x3f) << 6) | (bytes[i + 2]! & 0x3f);
      i += 3;
    } else {
      point =
        ((lead & 0x07) << 18) | ((bytes[i + 1]! & 0x3f) << 12) | ((bytes[i + 2]! & 0x3f) << 6) | (bytes[i + 3]! & 0x3f);
      i += 4;
    }
    text += String.fromCodePoint(point);
  }
  return text;
}
