"""The neural reader's PyTorch model, for training, and its fp32 ONNX export.

model = build_model(embedding_model_path("packaged"))   # MiniLM + a start/end head
export_fp32(model, Path(".cache/neural-fp32.onnx"), tokenizer, 192)  # train/quantize.py
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rag.models import TOKEN_AXES, export_onnx
from rag.read.neural.windows import encode_pairs


def build_model(encoder_path: str) -> Any:
    import torch
    from transformers import AutoModel

    class SpanReader(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.encoder = AutoModel.from_pretrained(encoder_path)
            self.head = torch.nn.Linear(self.encoder.config.hidden_size, 2)

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.encoder(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            logits = self.head(hidden)
            return logits[..., 0], logits[..., 1]

    return SpanReader()


def tensors_of(batch: Any, device: str) -> list[Any]:
    import torch

    arrays = (batch.input_ids, batch.attention_mask, batch.token_type_ids)
    return [torch.from_numpy(a).to(device) for a in arrays]


def export_fp32(model: Any, path: Path, tokenizer: Any, max_tokens: int) -> Path:
    """The trained model as an fp32 ONNX graph at ``path`` (kept beside the checkpoint, not
    shipped: train/quantize.py makes the shipped int8 model from it)."""
    model = model.cpu().eval()
    batch = encode_pairs(tokenizer, [("Who?", "Someone did it.")] * 2, max_tokens)
    args = tuple(tensors_of(batch, "cpu"))
    path.parent.mkdir(parents=True, exist_ok=True)
    export_onnx(model, args, path, {"start_logits": TOKEN_AXES, "end_logits": TOKEN_AXES})
    return path
