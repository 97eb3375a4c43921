"""The training code kind, fast and sr share: `data` (photos, patches, pair batches), `losses`,
`metrics` (PSNR and SSIM as validation scores them), `harness` (the budgeted, resumable,
checkpointing training loop) and `onnx_weights` (fp16 ONNX files to and from the nets).

A recipe script under models/<model>/train/ puts models/ on the path and imports from here:

    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..'))
    from trainlib.harness import Harness, add_arguments
"""
