#version 300 es
// heatmap.frag — colours a table of cells (the training plan's TP x PP heatmap and its legend) into a
// render target of u_size pixels. Each cell is one texel of u_levels: its place on the colour map, 0 (slowest
// cell) to 1 (fastest), or below 0 where no candidate fits, drawn hatched in greys that the colour map never
// reaches. u_gap pixels between cells stay transparent, so the panel's background shows through as a grid.
//
// Orientation: ImGui draws texture coordinate v = 0 at the top of an image, and the target's first pixel row
// (gl_FragCoord.y < 1) is v = 0, so row 0 of the table is the image's top row: no flip anywhere.
precision highp float;

uniform highp sampler2D u_levels;  // R32F, columns x rows, sampled with texelFetch (float textures are not filterable in WebGL2)
uniform vec2 u_size;               // render target in pixels
uniform float u_gap;               // pixels between neighbouring cells
uniform float u_stripe;            // width in pixels of a hatch stripe in the "none fit" cells

out vec4 o_color;

// Viridis (matplotlib's default colour map, perceptually uniform and readable with colour-vision deficiencies)
// as a degree-6 polynomial per channel: the minimax fit by Matt Zucker ("mattz"), https://www.shadertoy.com/view/WlfXRN,
// released CC0, fitted to the colour table of https://github.com/BIDS/colormap (colormaps.py, CC0).
// t = 0 is dark purple (viridis #440154), t = 1 yellow (#fde725).
vec3 viridis(float t) {
    const vec3 c0 = vec3(0.2777273272234177, 0.005407344544966578, 0.3340998053353061);
    const vec3 c1 = vec3(0.1050930431085774, 1.404613529898575, 1.384590162594685);
    const vec3 c2 = vec3(-0.3308618287255563, 0.214847559468213, 0.09509516302823659);
    const vec3 c3 = vec3(-4.634230498983486, -5.799100973351585, -19.33244095627987);
    const vec3 c4 = vec3(6.228269936347081, 14.17993336680509, 56.69055260068105);
    const vec3 c5 = vec3(4.776384997670288, -13.74514537774601, -65.35303263337234);
    const vec3 c6 = vec3(-5.435455855934631, 4.645852612178535, 26.3124352495832);
    return c0 + t * (c1 + t * (c2 + t * (c3 + t * (c4 + t * (c5 + t * c6)))));
}

void main() {
    ivec2 cells = textureSize(u_levels, 0);
    vec2 cell_size = u_size / vec2(cells);
    vec2 at = gl_FragCoord.xy / cell_size;                 // in cells
    ivec2 cell = min(ivec2(at), cells - 1);
    vec2 inside = (at - vec2(cell)) * cell_size;           // pixels from the cell's top-left corner
    float half_gap = 0.5 * u_gap;
    if (any(lessThan(inside, vec2(half_gap))) || any(greaterThan(inside, cell_size - half_gap))) {
        o_color = vec4(0.0);
        return;
    }
    float level = texelFetch(u_levels, cell, 0).r;
    if (level < 0.0) {
        float stripe = mod(floor((gl_FragCoord.x + gl_FragCoord.y) / u_stripe), 2.0);
        o_color = vec4(mix(vec3(0.16, 0.17, 0.19), vec3(0.25, 0.26, 0.29), stripe), 1.0);
        return;
    }
    o_color = vec4(viridis(clamp(level, 0.0, 1.0)), 1.0);
}
