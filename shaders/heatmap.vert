#version 300 es
// heatmap.vert — one triangle that covers the whole render target, so heatmap.frag runs once per pixel.
// No vertex buffer: the corners come from gl_VertexID (0, 1, 2 -> (-1,-1), (3,-1), (-1,3) in clip space).
precision highp float;

void main() {
    vec2 corner = vec2(float((gl_VertexID << 1) & 2), float(gl_VertexID & 2));
    gl_Position = vec4(corner * 2.0 - 1.0, 0.0, 1.0);
}
