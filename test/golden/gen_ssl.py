"""Golden values for the self-supervised wrappers (ts/models/ssl): SimCLR, BYOL, MoCo v2 and the
NPID MemoryBank. PyTorchVideo cannot be installed here, so each module is re-stated in plain
torch from reading pytorchvideo/models/{simclr,byol,memory_bank}.py (and, for MoCo v2, the
recipe of facebookresearch/moco's builder): same attribute names (state-dict keys), same
order of operations. Single process: SimCLR's all-gather is the identity, MoCo has no
shuffled BN. Every case stores the module's full state dict ("sd:<key>" inputs) so the test
loads it strictly, which also checks the key names.

Run: cd test/golden && /usr/bin/python3 gen_ssl.py
"""
import copy
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from common import case, save, rand


# ---- re-statements --------------------------------------------------------------------------

class SimCLR(nn.Module):
    def __init__(self, mlp, backbone=None, temperature=0.07):
        super().__init__()
        self.mlp, self.backbone, self.temperature = mlp, backbone, temperature

    def forward(self, x1, x2):
        if self.backbone is not None:
            x1 = self.backbone(x1)
        x1 = F.normalize(self.mlp(x1), p=2, dim=1)
        if self.backbone is not None:
            x2 = self.backbone(x2)
        x2 = F.normalize(self.mlp(x2), p=2, dim=1)
        prod = torch.einsum("nc,kc->nk", [x1, x2]).div(self.temperature)
        gt = torch.arange(x1.size(0)).long()
        return F.cross_entropy(prod, gt)


class BYOL(nn.Module):
    def __init__(self, backbone, projector=None, predictor=None, feature_dim=2048, predictor_inner=4096, mmt=0.99, norm=nn.BatchNorm1d):
        super().__init__()
        self.mmt, self.feature_dim = mmt, feature_dim
        if projector is not None:
            backbone = nn.Sequential(backbone, projector)
        self.backbone = backbone
        self.backbone_mmt = copy.deepcopy(backbone)
        for p in self.backbone_mmt.parameters():
            p.requires_grad = False
        self.predictor = predictor if predictor is not None else nn.Sequential(
            nn.Linear(feature_dim, predictor_inner, bias=False), norm(predictor_inner), nn.ReLU(inplace=True),
            nn.Linear(predictor_inner, feature_dim, bias=True))

    def sim_loss(self, q, k):
        return -torch.einsum("nc,nc->n", [q, k]).mean()

    def update_mmt(self, mmt):
        self.mmt = mmt

    @torch.no_grad()
    def _momentum_update_backbone(self):
        for p, pm in zip(self.backbone.parameters(), self.backbone_mmt.parameters()):
            pm.data = pm.data * self.mmt + p.data * (1.0 - self.mmt)

    def forward(self, x1, x2):
        pred_1 = F.normalize(self.predictor(self.backbone(x1)), dim=1)
        pred_2 = F.normalize(self.predictor(self.backbone(x2)), dim=1)
        with torch.no_grad():
            self._momentum_update_backbone()
            proj_mmt_1 = F.normalize(self.backbone_mmt(x1), dim=1)
            proj_mmt_2 = F.normalize(self.backbone_mmt(x2), dim=1)
        return (self.sim_loss(pred_1, proj_mmt_2) + self.sim_loss(pred_2, proj_mmt_1)) / 2


class MoCoV2(nn.Module):
    def __init__(self, backbone, projector=None, dim=128, queue_size=65536, mmt=0.999, temperature=0.2):
        super().__init__()
        self.dim, self.queue_size, self.mmt, self.temperature = dim, queue_size, mmt, temperature
        self.encoder_q = nn.Sequential(backbone, projector) if projector is not None else backbone
        self.encoder_k = copy.deepcopy(self.encoder_q)
        for p in self.encoder_k.parameters():
            p.requires_grad = False
        self.register_buffer("queue", F.normalize(torch.randn(dim, queue_size), dim=0))
        self.register_buffer("queue_ptr", torch.zeros(1, dtype=torch.long))

    @torch.no_grad()
    def _momentum_update_key_encoder(self):
        for pq, pk in zip(self.encoder_q.parameters(), self.encoder_k.parameters()):
            pk.data = pk.data * self.mmt + pq.data * (1.0 - self.mmt)

    @torch.no_grad()
    def _dequeue_and_enqueue(self, keys):
        n = keys.shape[0]
        ptr = int(self.queue_ptr)
        assert self.queue_size % n == 0
        self.queue[:, ptr:ptr + n] = keys.T
        self.queue_ptr[0] = (ptr + n) % self.queue_size

    def forward(self, im_q, im_k):
        q = F.normalize(self.encoder_q(im_q), dim=1)
        with torch.no_grad():
            self._momentum_update_key_encoder()
            k = F.normalize(self.encoder_k(im_k), dim=1)
        l_pos = torch.einsum("nc,nc->n", [q, k]).unsqueeze(-1)
        l_neg = torch.einsum("nc,ck->nk", [q, self.queue.clone().detach()])
        logits = torch.cat([l_pos, l_neg], dim=1) / self.temperature
        labels = torch.zeros(logits.shape[0], dtype=torch.long)
        self._dequeue_and_enqueue(k)
        return F.cross_entropy(logits, labels)


class MemoryBank(nn.Module):
    """As pytorchvideo's, with the negative indices passed in (torch.randint there)."""

    def __init__(self, backbone, mlp=None, neg_size=4096, temperature=0.07, bank_size=1280000, dim=2048, mmt=0.999):
        super().__init__()
        self.backbone, self.mlp = backbone, mlp
        self.neg_size, self.temperature, self.bank_size, self.dim, self.mmt = neg_size, temperature, bank_size, dim, mmt
        stdv = 1.0 / math.sqrt(dim / 3)
        self.register_buffer("memory", torch.rand(bank_size, dim).mul_(2 * stdv).add_(-stdv))

    def forward(self, x, x_ind, idx):
        batch_size = x.shape[0]
        x = self.backbone(x)
        if self.mlp is not None:
            x = self.mlp(x)
        x = F.normalize(x, p=2, dim=1)
        idx = idx.clone()
        idx.select(1, 0).copy_(x_ind.data)
        weight = torch.index_select(self.memory, 0, idx.view(-1)).detach()
        weight = weight.view(batch_size, self.neg_size + 1, self.dim)
        out = torch.div(torch.einsum("bkc,bc->bk", weight, x), self.temperature)
        loss = F.cross_entropy(out, torch.zeros((batch_size,), dtype=torch.long))
        if self.training:
            with torch.no_grad():
                pos = torch.index_select(self.memory, 0, x_ind.view(-1))
                pos.mul_(self.mmt)
                pos.add_(torch.mul(x, 1 - self.mmt))
                norm = pos.pow(2).sum(1, keepdim=True).pow(0.5)
                self.memory.index_copy_(0, x_ind, pos.div(norm))
        return loss


# ---- small networks -------------------------------------------------------------------------

def backbone():
    return nn.Sequential(nn.Linear(6, 10), nn.ReLU())


def mlp(dims):
    """make_multilayer_perceptron(dims, norm=BatchNorm1d, final_activation=None)."""
    layers = []
    for a, b in zip(dims[:-2], dims[1:-1]):
        layers += [nn.Linear(a, b), nn.BatchNorm1d(b), nn.ReLU()]
    layers.append(nn.Linear(dims[-2], dims[-1]))
    return nn.Sequential(*layers)


def randomise_norms(m, seed):
    g = torch.Generator().manual_seed(seed)
    for mod in m.modules():
        if isinstance(mod, nn.BatchNorm1d):
            mod.weight.data = torch.rand(mod.num_features, generator=g) + 0.5
            mod.bias.data = torch.rand(mod.num_features, generator=g) - 0.5


def sd_inputs(m):
    return {f"sd:{k}": v.clone() for k, v in m.state_dict().items()}


def params_of(m, prefix):
    return {f"{prefix}:{k}": p.detach().clone() for k, p in m.named_parameters()}


def grads_of(m):
    return {f"grad:{k}": p.grad.detach().clone() for k, p in m.named_parameters() if p.grad is not None}


cases = []

# SimCLR: backbone Linear(6,10)+ReLU, MLP 10-16-8 with BatchNorm1d, temperature 0.1, batch 5.
torch.manual_seed(0)
m = SimCLR(mlp([10, 16, 8]), backbone(), temperature=0.1)
randomise_norms(m, 1)
x1, x2 = rand(5, 6, seed=2), rand(5, 6, seed=3)
sd = sd_inputs(m)
loss = m(x1, x2)
loss.backward()
cases.append(case("simclr", "SimCLR", {"temperature": 0.1}, {"x1": x1, "x2": x2, **sd}, {"loss": loss.detach(), **grads_of(m)}))

# SimCLR without backbone (the MLP is the whole network), batch 3, default temperature.
torch.manual_seed(1)
m = SimCLR(mlp([6, 8, 4]), None)
randomise_norms(m, 4)
x1, x2 = rand(3, 6, seed=5), rand(3, 6, seed=6)
sd = sd_inputs(m)
loss = m(x1, x2)
loss.backward()
cases.append(case("simclr_no_backbone", "SimCLR", {"temperature": 0.07}, {"x1": x1, "x2": x2, **sd}, {"loss": loss.detach(), **grads_of(m)}))

# BYOL: backbone + projector (MLP 10-12-8), default predictor (8-16-8, BatchNorm1d), mmt 0.9.
# The momentum copy is perturbed so the EMA is visible; then: forward/backward, SGD(lr 0.1)
# step on the online network, mmt -> 0.5, a second forward (second EMA).
torch.manual_seed(2)
m = BYOL(backbone(), mlp([10, 12, 8]), feature_dim=8, predictor_inner=16, mmt=0.9)
randomise_norms(m, 7)
with torch.no_grad():
    g = torch.Generator().manual_seed(8)
    for p in m.backbone_mmt.parameters():
        p.add_(torch.rand(p.shape, generator=g) * 0.2 - 0.1)
x1, x2, x3, x4 = rand(4, 6, seed=9), rand(4, 6, seed=10), rand(4, 6, seed=11), rand(4, 6, seed=12)
sd = sd_inputs(m)
loss1 = m(x1, x2)
mmt1 = params_of(m.backbone_mmt, "mmt1")
loss1.backward()
grads = grads_of(m)
opt = torch.optim.SGD([p for p in m.parameters() if p.requires_grad], lr=0.1)
opt.step()
opt.zero_grad()
online = params_of(m, "step1")
online = {k: v for k, v in online.items() if "backbone_mmt" not in k}
m.update_mmt(0.5)
loss2 = m(x3, x4)
mmt2 = params_of(m.backbone_mmt, "mmt2")
cases.append(case("byol", "BYOL", {"featureDim": 8, "predictorInner": 16, "mmt": 0.9, "lr": 0.1, "mmt2": 0.5},
                  {"x1": x1, "x2": x2, "x3": x3, "x4": x4, **sd},
                  {"loss1": loss1.detach(), "loss2": loss2.detach(), **mmt1, **mmt2, **online, **grads}))

# MoCo v2: backbone + projector (MLP 10-12-8), dim 8, queue 12, batch 4, mmt 0.9, T 0.2;
# three steps (SGD lr 0.1 on the query encoder), the third wraps the queue pointer to 0.
torch.manual_seed(3)
m = MoCoV2(backbone(), mlp([10, 12, 8]), dim=8, queue_size=12, mmt=0.9, temperature=0.2)
randomise_norms(m, 13)
with torch.no_grad():
    g = torch.Generator().manual_seed(14)
    for p in m.encoder_k.parameters():
        p.add_(torch.rand(p.shape, generator=g) * 0.2 - 0.1)
xs = [rand(4, 6, seed=20 + i) for i in range(6)]
sd = sd_inputs(m)
opt = torch.optim.SGD([p for p in m.parameters() if p.requires_grad], lr=0.1)
losses = []
grads = None
for s in range(3):
    loss = m(xs[2 * s], xs[2 * s + 1])
    loss.backward()
    if grads is None:
        grads = grads_of(m)
    opt.step()
    opt.zero_grad()
    losses.append(loss.detach())
    if s == 0:
        queue1 = m.queue.clone()
cases.append(case("moco_v2", "MoCoV2", {"dim": 8, "queueSize": 12, "mmt": 0.9, "temperature": 0.2, "lr": 0.1, "steps": 3},
                  {**{f"x{i}": x for i, x in enumerate(xs)}, **sd},
                  {"losses": torch.stack(losses), "queue1": queue1, "queue": m.queue.clone(), "queue_ptr": m.queue_ptr.clone(),
                   **params_of(m.encoder_k, "enc_k"), **grads}))

# MemoryBank: backbone + MLP 10-8 (no norm), bank 20 x 8, 5 negatives, batch 4, mmt 0.5.
# Training step (loss, grads, updated bank), then an eval-mode loss (bank unchanged).
torch.manual_seed(4)
m = MemoryBank(backbone(), nn.Linear(10, 8), neg_size=5, temperature=0.07, bank_size=20, dim=8, mmt=0.5)
x, xe = rand(4, 6, seed=30), rand(4, 6, seed=31)
x_ind = torch.tensor([3, 17, 0, 9])
xe_ind = torch.tensor([5, 3, 19, 11])
g = torch.Generator().manual_seed(32)
idx = torch.randint(0, 20, (4, 6), generator=g)
idx_e = torch.randint(0, 20, (4, 6), generator=g)
sd = sd_inputs(m)
loss = m(x, x_ind, idx)
loss.backward()
grads = grads_of(m)
mem1 = m.memory.clone()
m.eval()
with torch.no_grad():
    loss_e = m(xe, xe_ind, idx_e)
cases.append(case("memory_bank", "MemoryBank", {"negSize": 5, "temperature": 0.07, "bankSize": 20, "dim": 8, "mmt": 0.5},
                  {"x": x, "x_ind": x_ind, "idx": idx, "xe": xe, "xe_ind": xe_ind, "idx_e": idx_e, **sd},
                  {"loss": loss.detach(), "memory": mem1, "loss_eval": loss_e, **grads}))

save("ssl", cases)
