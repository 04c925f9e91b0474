"""Image: colour quantization with k-means, on scikit-learn's sample pictures or your own."""

import streamlit as st

from ui import image as ui
from ui.errors import page_guard
from ui.layout import notices, setup_page
from ui.state import setting, sync_url
from ui.text import md_escape

setup_page("Image")
st.title("Colour quantization")
st.caption("True colour spends 24 bits on every pixel. k-means picks the K most representative "
           "colours, and each pixel is repainted in its nearest one: an image compressed to "
           "a palette, and a picture of what clustering does.")

with page_guard():
    picked, refusal = ui.pick_image()
    knobs = ui.knobs()
    notices()
    if refusal:
        st.error(md_escape(refusal), icon=":material/warning:")
    key, result = ui.run(picked, knobs)
    st.success(ui.summary(picked, result), icon=":material/check_circle:")
    for note in result.notes:
        st.info(md_escape(note), icon=":material/info:")
    with st.expander(f"Image: {picked.title}"):
        for note in picked.image.notes:
            st.markdown(md_escape(note))
        if picked.image.alpha is not None:
            st.write(f"{picked.image.transparent_pixels:,} pixels are fully transparent; "
                     f"choice: {ui.BACKGROUND_LABELS[picked.background].lower()}.")

    compare = setting(st.toggle, "image_compare",
                      "Compare with a random codebook and Pillow's median cut",
                      help="Random codebook: K colours of the image drawn at random, with no "
                           "k-means iterations. Median cut: Pillow's Image.quantize, which "
                           "splits the colour cube where the pixels are densest.")
    results = [(key, result)]
    if compare:
        results += [ui.run(picked, knobs, method) for method in ("random", "mediancut")]
    ui.show_images(picked, results)
    ui.detail(picked, results)
    ui.download(picked, key, result)

    st.header("How good is it?")
    ui.show_report(picked, results)

    st.header("The palette")
    st.caption("Each bar is one palette colour; its height is the share of pixels painted in it.")
    ui.palette_section(result, picked.title)

    st.header("The pixels in colour space")
    ui.color_space_section(picked, result, knobs)

    st.header("Error against K")
    ui.sweep_section(picked, knobs)
sync_url()
