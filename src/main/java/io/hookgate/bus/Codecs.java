package io.hookgate.bus;

import io.hookgate.model.ApiKey;
import io.hookgate.model.Project;
import io.hookgate.model.Webhook;
import io.vertx.core.eventbus.EventBus;
import java.util.ArrayList;
import java.util.List;

/** Registers one local codec per message record; called once per Vert.x instance at start. */
public final class Codecs {
    private Codecs() {
    }

    public static void registerAll(EventBus bus) {
        List<Class<?>> types = new ArrayList<>();
        types.addAll(List.of(StoreRequest.class.getPermittedSubclasses()));
        types.addAll(List.of(Replies.Principal.class, Replies.Refusal.class, Replies.ProjectList.class, Replies.CreatedKey.class,
            Replies.KeyList.class, Replies.WebhookList.class, Replies.Done.class, Replies.Ingested.class,
            Replies.DeliveryDetail.class, Replies.DeliveryPage.class, Replies.Count.class, Replies.RedisMemory.class,
            DispatchBatch.class, TryOutcomes.class,
            Project.class, ApiKey.class, Webhook.class));
        for (Class<?> type : types) {
            register(bus, type);
        }
    }

    private static <T> void register(EventBus bus, Class<T> type) {
        bus.registerDefaultCodec(type, new LocalCodec<>(type));
    }
}
