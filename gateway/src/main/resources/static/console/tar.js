// Packs files into an OPA bundle (.tar.gz: ustar entries, gzip with the browser's CompressionStream).

const encoder = new TextEncoder();

function header(name, size) {
  const block = new Uint8Array(512);
  const put = (text, offset, length) => block.set(encoder.encode(text).subarray(0, length), offset);
  const octal = (n, length) => n.toString(8).padStart(length - 1, '0') + '\0';
  let prefix = '';
  let path = name;
  if (encoder.encode(name).length > 100) {
    const cut = name.lastIndexOf('/', 155);
    prefix = name.slice(0, cut);
    path = name.slice(cut + 1);
  }
  put(path, 0, 100);
  put('0000644\0', 100, 8);
  put(octal(0, 8), 108, 8);
  put(octal(0, 8), 116, 8);
  put(octal(size, 12), 124, 12);
  put(octal(Math.floor(Date.now() / 1000), 12), 136, 12);
  put('        ', 148, 8); // checksum counts as spaces while summing
  put('0', 156, 1);
  put('ustar\0', 257, 6);
  put('00', 263, 2);
  put(prefix, 345, 155);
  let sum = 0;
  for (const b of block) sum += b;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return block;
}

/** files: {path: text} → Blob of application/gzip. */
export async function tarGz(files) {
  const parts = [];
  for (const [name, text] of Object.entries(files)) {
    const bytes = encoder.encode(text);
    parts.push(header(name, bytes.length), bytes);
    const pad = (512 - (bytes.length % 512)) % 512;
    if (pad) parts.push(new Uint8Array(pad));
  }
  parts.push(new Uint8Array(1024));
  const tar = new Blob(parts);
  const gz = tar.stream().pipeThrough(new CompressionStream('gzip'));
  return new Blob([await new Response(gz).arrayBuffer()], { type: 'application/gzip' });
}
